/**
 * EventBridge Scheduler schedules mapped to ours, and ours written back as create-schedule
 * documents: what maps, what is refused and why, without AWS.
 */
import { describe, expect, it } from "vitest";
import { type EventBridgeSchedule, mapEventBridgeSchedule } from "../../src/migrate/eventbridge.js";
import { TARGET_PLACEHOLDER, toCreateSchedule } from "../../src/migrate/eventbridge-export.js";
import type { ScheduleRecord } from "../../src/store/types.js";

const ARN = "arn:aws:lambda:us-east-1:123456789012:function:report";
const JOBS = new Map([[ARN, "report"]]);

function source(overrides: Partial<EventBridgeSchedule> = {}): EventBridgeSchedule {
  return {
    Name: "nightly",
    GroupName: "reports",
    ScheduleExpression: "cron(0 3 * * ? *)",
    ScheduleExpressionTimezone: "Europe/Berlin",
    State: "ENABLED",
    FlexibleTimeWindow: { Mode: "OFF" },
    Target: { Arn: ARN, Input: '{"report":"sales"}' },
    ...overrides,
  };
}

describe("mapping an EventBridge schedule", () => {
  it("keeps the expression and zone, takes the input as payload, and derives the id from group and name", () => {
    expect(mapEventBridgeSchedule(source(), JOBS)).toEqual({
      ok: true,
      source: "reports/nightly",
      input: {
        id: "reports:nightly",
        job: "report",
        expression: "cron(0 3 * * ? *)",
        timezone: "Europe/Berlin",
        payload: { report: "sales" },
      },
      paused: false,
      warnings: [],
    });
  });

  it.each([
    [
      "a flexible window as jitter",
      { FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 15 } },
      { jitterMs: 900_000 },
    ],
    [
      "start and end dates",
      { StartDate: new Date("2030-01-01T00:00:00Z"), EndDate: new Date("2031-01-01T00:00:00Z") },
      { startAt: new Date("2030-01-01T00:00:00Z"), endAt: new Date("2031-01-01T00:00:00Z") },
    ],
    ["no input as an empty payload", { Target: { Arn: ARN } }, { payload: {} }],
    ["the default group", { GroupName: undefined }, { id: "default:nightly" }],
  ])("maps %s", (_what, overrides, expected) => {
    const mapping = mapEventBridgeSchedule(source(overrides as Partial<EventBridgeSchedule>), JOBS);
    expect(mapping.ok && mapping.input).toMatchObject(expected);
  });

  it("maps DISABLED to paused", () => {
    expect(mapEventBridgeSchedule(source({ State: "DISABLED" }), JOBS)).toMatchObject({
      ok: true,
      paused: true,
    });
  });

  it.each([
    [
      "a retry policy",
      {
        Target: {
          Arn: ARN,
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        },
      },
      /RetryPolicy \(185 attempts, 86400 s\) is not carried over/,
    ],
    [
      "a dead-letter queue",
      { Target: { Arn: ARN, DeadLetterConfig: { Arn: "arn:aws:sqs:us-east-1:1:dlq" } } },
      /DeadLetterConfig .* is not carried over/,
    ],
    [
      "ActionAfterCompletion DELETE",
      { ActionAfterCompletion: "DELETE" },
      /completes and is kept with its history/,
    ],
    [
      "context attributes in the input",
      { Target: { Arn: ARN, Input: '{"at":"<aws.scheduler.scheduled-time>"}' } },
      /ctx.scheduledAt/,
    ],
  ])("maps a schedule with %s, with a warning", (_what, overrides, warning) => {
    const mapping = mapEventBridgeSchedule(source(overrides as Partial<EventBridgeSchedule>), JOBS);
    expect(mapping.ok).toBe(true);
    expect(mapping.warnings.join("\n")).toMatch(warning);
  });

  it.each([
    [
      "a target with no job",
      { Target: { Arn: "arn:aws:sqs:us-east-1:1:queue" } },
      /target arn:aws:sqs:us-east-1:1:queue has no job: give --job-for/,
    ],
    [
      "an input that is not JSON",
      { Target: { Arn: ARN, Input: "hello" } },
      /Target.Input is not JSON \("hello"\)/,
    ],
    [
      "a flexible window without its width",
      { FlexibleTimeWindow: { Mode: "FLEXIBLE" } },
      /without MaximumWindowInMinutes/,
    ],
  ])("refuses %s, saying why", (_what, overrides, reason) => {
    const mapping = mapEventBridgeSchedule(source(overrides as Partial<EventBridgeSchedule>), JOBS);
    expect(mapping.ok).toBe(false);
    expect(mapping.ok ? "" : mapping.reasons.join("\n")).toMatch(reason);
  });
});

function record(overrides: Partial<ScheduleRecord> = {}): ScheduleRecord {
  return {
    id: "nightly",
    job: "report",
    expression: "0 3 * * *",
    timezone: "Europe/Berlin",
    payload: { report: "sales" },
    state: "ENABLED",
    firstRun: "immediate",
    catchUp: "latest",
    precise: false,
    runCount: 0,
    createdAt: 0,
    ...overrides,
  } as ScheduleRecord;
}

describe("exporting as create-schedule documents", () => {
  it("writes the whole document, with placeholders for the target it was not given", () => {
    expect(
      toCreateSchedule(record({ jitterMs: 90_000, endAt: Date.parse("2031-01-01T00:00:00Z") })),
    ).toEqual({
      ok: true,
      id: "nightly",
      document: {
        Name: "nightly",
        Description: "job report (exported from lambda-scheduler schedule nightly)",
        ScheduleExpression: "cron(0 3 ? * * *)",
        ScheduleExpressionTimezone: "Europe/Berlin",
        EndDate: "2031-01-01T00:00:00.000Z",
        State: "ENABLED",
        FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 2 },
        Target: {
          Arn: TARGET_PLACEHOLDER.arn,
          RoleArn: TARGET_PLACEHOLDER.roleArn,
          Input: '{"report":"sales"}',
        },
      },
    });
  });

  it.each([
    ["a weekday Unix cron", "30 7 * * mon-fri", "cron(30 7 ? * 2-6 *)"],
    ["Sunday as 0 and 7", "0 9 * * 0,6", "cron(0 9 ? * 1,7 *)"],
    ["a day-of-month Unix cron", "0 0 1,15 * *", "cron(0 0 1,15 * ? *)"],
    ["a macro", "@hourly", "cron(0 * ? * * *)"],
    ["a step", "*/20 * * * *", "cron(0,20,40 * ? * * *)"],
    ["an AWS cron, as written", "cron(0 12 ? * MON-FRI *)", "cron(0 12 ? * MON-FRI *)"],
    ["a rate in minutes", "rate(5 minutes)", "rate(5 minutes)"],
    ["a rate of whole minutes in seconds", "rate(120 seconds)", "rate(2 minutes)"],
    ["a rate of one hour, singular", "rate(1 hour)", "rate(1 hour)"],
    ["an at()", "at(2030-06-01T10:00:00)", "at(2030-06-01T10:00:00)"],
  ])("writes %s as EventBridge reads it", (_what, expression, written) => {
    const exported = toCreateSchedule(record({ expression }));
    expect(exported.ok && exported.document.ScheduleExpression).toBe(written);
  });

  it("splits GROUP:NAME ids into GroupName and Name, and fills in the given target", () => {
    const exported = toCreateSchedule(record({ id: "reports:nightly", state: "PAUSED" }), {
      arn: ARN,
      roleArn: "arn:aws:iam::123456789012:role/scheduler",
    });
    expect(exported.ok && exported.document).toMatchObject({
      Name: "nightly",
      GroupName: "reports",
      State: "DISABLED",
      Target: { Arn: ARN, RoleArn: "arn:aws:iam::123456789012:role/scheduler" },
    });
  });

  it.each([
    ["a sub-minute rate", { expression: "rate(30 seconds)" }, /shortest rate is 1 minute/],
    ["a deadline", { expression: "deadline(2030-01-01T00:00:00)" }, /no deadline schedules/],
    ["an rrule", { expression: "DTSTART:20300105T090000Z\nRRULE:FREQ=WEEKLY;BYDAY=MO" }, /RRULE/],
    [
      "a cron restricting both day fields",
      { expression: "0 0 1 * mon" },
      /restricts both day-of-month and day-of-week/,
    ],
    ["maxRuns", { maxRuns: 3 }, /cannot stop after a number of runs/],
    ["an id EventBridge cannot name", { id: "a:b:c" }, /not an EventBridge name/],
    ["an ended schedule", { state: "COMPLETED" }, /it is COMPLETED/],
  ])("refuses %s with why", (_what, overrides, reason) => {
    const exported = toCreateSchedule(record(overrides as Partial<ScheduleRecord>));
    expect(exported.ok).toBe(false);
    expect(exported.ok ? "" : exported.reason).toMatch(reason);
  });
});
