/**
 * Our schedules as EventBridge Scheduler `create-schedule` documents (the input of
 * `aws scheduler create-schedule --cli-input-json`), for users who leave or run both side by
 * side. Pure: a stored schedule in, a document or the reason it cannot be one out. Nothing is
 * dropped silently: what EventBridge cannot express is refused with its reason.
 */
import { parseSchedule, type Schedule } from "../scheduling/index.js";
import { SCHEDULE_STATE, type ScheduleRecord } from "../store/types.js";

/** The target fields a user must fill in when the export was not given them. */
export const TARGET_PLACEHOLDER = {
  arn: "FILL-IN-target-arn",
  roleArn: "FILL-IN-role-arn",
} as const;

/** One `create-schedule` document. */
export interface CreateScheduleDocument {
  readonly Name: string;
  readonly GroupName?: string;
  readonly Description: string;
  readonly ScheduleExpression: string;
  readonly ScheduleExpressionTimezone: string;
  readonly StartDate?: string;
  readonly EndDate?: string;
  readonly State: "ENABLED" | "DISABLED";
  readonly FlexibleTimeWindow:
    | { readonly Mode: "OFF" }
    | { readonly Mode: "FLEXIBLE"; readonly MaximumWindowInMinutes: number };
  readonly Target: { readonly Arn: string; readonly RoleArn: string; readonly Input: string };
}

/** A schedule exported, or why it cannot be. */
export type EventBridgeExport =
  | { readonly ok: true; readonly id: string; readonly document: CreateScheduleDocument }
  | { readonly ok: false; readonly id: string; readonly reason: string };

/** Options of {@link toCreateSchedule}: the target, else placeholders to fill in. */
export interface ExportTarget {
  readonly arn?: string;
  readonly roleArn?: string;
}

const EVENTBRIDGE_NAME = /^[0-9A-Za-z_.-]{1,64}$/;
/** EventBridge's widest flexible window: 1440 minutes. */
const MAX_WINDOW_MINUTES = 1440;

/** A cron field from its values: `*` when they are the whole range, else ranges and lists. */
function cronField(values: readonly number[], min: number, max: number): string {
  if (values.length === max - min + 1) return "*";
  const parts: string[] = [];
  let start = values[0];
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i] as number;
    const next = values[i + 1];
    if (next === value + 1) continue;
    parts.push(start === value ? String(value) : `${start}-${value}`);
    start = next;
  }
  return parts.join(",");
}

/** A Unix cron as EventBridge's six-field cron, or why it has none. */
function awsCronOf(
  schedule: Extract<Schedule, { kind: "unix-cron" }>,
): string | { reason: string } {
  const { spec } = schedule;
  const minutes = cronField(spec.minutes, 0, 59);
  const hours = cronField(spec.hours, 0, 23);
  const months = cronField(spec.months, 1, 12);
  const { days } = spec;
  switch (days.match) {
    case "dayOfMonth":
      if (days.dayOfMonth.kind !== "days") break;
      return `cron(${minutes} ${hours} ${cronField(days.dayOfMonth.days, 1, 31)} ${months} ? *)`;
    case "dayOfWeek": {
      if (days.dayOfWeek.kind !== "days") break;
      // Unix counts Sunday 0, EventBridge SUN = 1.
      const weekdays = days.dayOfWeek.days.map((day) => day + 1);
      return `cron(${minutes} ${hours} ? ${months} ${cronField(weekdays, 1, 7)} *)`;
    }
    case "both":
    case "either":
      break;
    default: {
      const unreachable: never = days;
      return { reason: `unknown day rule ${JSON.stringify(unreachable)}` };
    }
  }
  return {
    reason: `"${schedule.expression}" restricts both day-of-month and day-of-week, and EventBridge cron takes only one of them (the other is "?"): split it into two schedules`,
  };
}

/** `rate(…)` as EventBridge writes it: minutes at least, singular unit for 1. */
function rateOf(schedule: Extract<Schedule, { kind: "rate" }>): string | { reason: string } {
  const minutes = schedule.intervalMs / 60_000;
  if (!Number.isInteger(minutes)) {
    return {
      reason: `${schedule.expression} is not whole minutes: EventBridge's shortest rate is 1 minute`,
    };
  }
  const [value, unit] =
    schedule.unit === "second" ? [minutes, "minute"] : [schedule.value, schedule.unit];
  return `rate(${value} ${unit}${value === 1 ? "" : "s"})`;
}

/** The EventBridge expression and zone of a schedule, or why it has none. */
function expressionOf(
  schedule: Schedule,
): { expression: string; timezone: string } | { reason: string } {
  const timezone = schedule.timezone;
  switch (schedule.kind) {
    case "rate": {
      const rate = rateOf(schedule);
      return typeof rate === "string" ? { expression: rate, timezone } : rate;
    }
    case "cron":
      return { expression: schedule.expression, timezone };
    case "unix-cron": {
      const cron = awsCronOf(schedule);
      return typeof cron === "string" ? { expression: cron, timezone } : cron;
    }
    case "at": {
      if (schedule.utcOffset === undefined) {
        return { expression: `at(${schedule.localTime})`, timezone };
      }
      // EventBridge's at() has no offset: the same instant, as a UTC wall time.
      const offset = schedule.utcOffset === "Z" ? "Z" : schedule.utcOffset;
      const instant = new Date(`${schedule.localTime}${offset}`).toISOString().slice(0, 19);
      return { expression: `at(${instant})`, timezone: "UTC" };
    }
    case "deadline":
      return {
        reason:
          "EventBridge has no deadline schedules (run as soon as possible, never after a time); at(…) is the nearest, without the deadline",
      };
    case "rrule":
      return { reason: "EventBridge has no RFC 5545 (RRULE) schedules" };
    default: {
      const unreachable: never = schedule;
      return { reason: `unknown schedule kind ${JSON.stringify(unreachable)}` };
    }
  }
}

/** The EventBridge name and group of an id: `group:name` (as imported), else the id itself. */
function nameOf(id: string): { Name: string; GroupName?: string } | undefined {
  const [first = "", second, ...rest] = id.split(":");
  if (second === undefined) return EVENTBRIDGE_NAME.test(first) ? { Name: first } : undefined;
  if (rest.length > 0 || !EVENTBRIDGE_NAME.test(first) || !EVENTBRIDGE_NAME.test(second)) {
    return undefined;
  }
  return first === "default" ? { Name: second } : { Name: second, GroupName: first };
}

/**
 * The `create-schedule` document of a stored schedule, or why EventBridge cannot hold it.
 *
 * @example
 * toCreateSchedule(record, { arn: "arn:aws:lambda:…:function:report", roleArn: "arn:aws:iam::…:role/scheduler" });
 */
export function toCreateSchedule(
  record: ScheduleRecord,
  target: ExportTarget = {},
): EventBridgeExport {
  const refuse = (reason: string): EventBridgeExport => ({ ok: false, id: record.id, reason });
  const name = nameOf(record.id);
  if (name === undefined) {
    return refuse(
      `id "${record.id}" is not an EventBridge name (1-64 of A-Z a-z 0-9 _ . -, or GROUP:NAME)`,
    );
  }
  if (record.state !== SCHEDULE_STATE.ENABLED && record.state !== SCHEDULE_STATE.PAUSED) {
    return refuse(`it is ${record.state}: it will not run again`);
  }
  if (record.maxRuns !== undefined) {
    return refuse(
      `maxRuns ${record.maxRuns}: EventBridge cannot stop after a number of runs; give an endAt instead`,
    );
  }
  const expression = expressionOf(parseSchedule(record.expression, { timezone: record.timezone }));
  if ("reason" in expression) return refuse(expression.reason);
  const windowMinutes = Math.ceil((record.jitterMs ?? 0) / 60_000);
  const document: CreateScheduleDocument = {
    ...name,
    Description: `job ${record.job} (exported from lambda-scheduler schedule ${record.id})`,
    ScheduleExpression: expression.expression,
    ScheduleExpressionTimezone: expression.timezone,
    ...(record.startAt === undefined ? {} : { StartDate: new Date(record.startAt).toISOString() }),
    ...(record.endAt === undefined ? {} : { EndDate: new Date(record.endAt).toISOString() }),
    State: record.state === SCHEDULE_STATE.PAUSED ? "DISABLED" : "ENABLED",
    FlexibleTimeWindow:
      windowMinutes === 0
        ? { Mode: "OFF" }
        : {
            Mode: "FLEXIBLE",
            MaximumWindowInMinutes: Math.min(windowMinutes, MAX_WINDOW_MINUTES),
          },
    Target: {
      Arn: target.arn ?? TARGET_PLACEHOLDER.arn,
      RoleArn: target.roleArn ?? TARGET_PLACEHOLDER.roleArn,
      Input: JSON.stringify(record.payload),
    },
  };
  return { ok: true, id: record.id, document };
}
