import { describe, expect, it } from "vitest";
import type { ScheduleRecord } from "../../src/store/types.js";
import { applyPlan, iso, ms, planAt, scheduleRecord } from "./factories.js";

function scheduled(plan: ReturnType<typeof planAt>): (string | undefined)[] {
  return (plan?.runs ?? []).map((run) => `${iso(run.scheduledAt)} ${run.status}`);
}

describe("when a schedule is due", () => {
  it("is not planned before its due time", () => {
    const record = scheduleRecord({ nextRunAt: ms("2026-01-05T00:01:00Z") });
    expect(planAt(record, "2026-01-05T00:00:59.999Z")).toBeUndefined();
  });

  it("is not planned while paused or ended", () => {
    for (const state of ["PAUSED", "COMPLETED", "EXPIRED"] as const) {
      expect(planAt(scheduleRecord({ state }), "2026-01-05T01:00:00Z")).toBeUndefined();
    }
  });

  it("is planned only once its jitter has passed", () => {
    const record = scheduleRecord({
      nextRunAt: ms("2026-01-05T00:01:00Z"),
      dueAt: ms("2026-01-05T00:01:07Z"),
    });
    expect(planAt(record, "2026-01-05T00:01:06Z")).toBeUndefined();
    expect(scheduled(planAt(record, "2026-01-05T00:01:07Z"))).toEqual([
      "2026-01-05T00:01:00.000Z PENDING",
    ]);
  });

  it("runs a schedule that has never run at once, then follows its grid", () => {
    const record = scheduleRecord({
      expression: "rate(1 hour)",
      nextRunAt: ms("2026-01-05T00:00:00Z"),
    });
    const plan = planAt(record, "2026-01-05T00:00:00.300Z");
    expect(scheduled(plan)).toEqual(["2026-01-05T00:00:00.000Z PENDING"]);
    expect(iso(plan?.changes.nextRunAt)).toBe("2026-01-05T01:00:00.000Z");
    expect(plan?.changes).toMatchObject({
      runCount: 1,
      lastScheduledAt: ms("2026-01-05T00:00:00Z"),
    });
  });

  it("writes a PENDING run that carries the payload, the due time and a retention", () => {
    const record = scheduleRecord({ precise: true });
    const [run] =
      planAt(record, "2026-01-05T00:00:00Z", { runRetentionMs: 86_400_000 })?.runs ?? [];
    expect(run).toMatchObject({
      runId: "s1@2026-01-05T00:00:00.000Z",
      scheduleId: "s1",
      job: "hello",
      status: "PENDING",
      attempt: 0,
      payload: { name: "Ada" },
      precise: true,
      dueAt: ms("2026-01-05T00:00:00Z"),
      expiresAt: ms("2026-01-06T00:00:00Z") / 1000,
    });
  });
});

describe("no drift", () => {
  const cases = [
    {
      name: "a rate keeps its interval in real time across a daylight-saving change",
      expression: "rate(1 hour)",
      timezone: "Europe/Berlin",
      first: "2026-03-28T22:00:00Z",
      expected: [
        "2026-03-28T23:00:00.000Z",
        "2026-03-29T00:00:00.000Z",
        "2026-03-29T01:00:00.000Z",
        "2026-03-29T02:00:00.000Z",
      ],
    },
    {
      name: "a daily cron keeps its wall time across a daylight-saving change",
      expression: "0 9 * * *",
      timezone: "Europe/Berlin",
      first: "2026-03-28T08:00:00Z",
      expected: [
        "2026-03-29T07:00:00.000Z",
        "2026-03-30T07:00:00.000Z",
        "2026-03-31T07:00:00.000Z",
        "2026-04-01T07:00:00.000Z",
      ],
    },
    {
      name: "a rate of seconds stays on its grid however late each tick is",
      expression: "rate(7 seconds)",
      timezone: "UTC",
      first: "2026-01-05T00:00:00Z",
      expected: [
        "2026-01-05T00:00:07.000Z",
        "2026-01-05T00:00:14.000Z",
        "2026-01-05T00:00:21.000Z",
        "2026-01-05T00:00:28.000Z",
      ],
    },
  ];
  it.each(cases)("$name", ({ expression, timezone, first, expected }) => {
    let record = scheduleRecord({
      expression,
      timezone,
      createdAt: ms(first),
      startAt: ms(first),
      nextRunAt: ms(first),
    });
    const seen: (string | undefined)[] = [];
    for (let tick = 0; tick < expected.length; tick++) {
      // Each tick is late by a different amount below the next occurrence.
      const late = (record.nextRunAt ?? 0) + 500 + tick * 1_300;
      const plan = planAt(record, new Date(late).toISOString());
      if (plan === undefined) throw new Error("expected a plan");
      record = applyPlan(record, plan);
      seen.push(iso(record.nextRunAt));
    }
    expect(seen).toEqual(expected);
  });
});

describe("catch-up of calendar schedules", () => {
  it("latest: a weekday cron missed over a long weekend runs once, for Monday's occurrence", () => {
    const record = scheduleRecord({
      expression: "cron(0 9 ? * MON-FRI *)",
      timezone: "America/New_York",
      nextRunAt: ms("2026-01-02T14:00:00Z"),
    });
    const plan = planAt(record, "2026-01-05T16:00:00Z");
    expect(scheduled(plan)).toEqual(["2026-01-05T14:00:00.000Z PENDING"]);
    expect(iso(plan?.changes.nextRunAt)).toBe("2026-01-06T14:00:00.000Z");
  });

  it("latest: an rrule without DTSTART stays on its grid from creation after an outage", () => {
    const record = scheduleRecord({
      expression: "RRULE:FREQ=MINUTELY;INTERVAL=15",
      createdAt: ms("2026-01-05T00:00:00Z"),
      nextRunAt: ms("2026-01-05T00:15:00Z"),
    });
    const plan = planAt(record, "2026-01-07T10:20:00Z");
    expect(scheduled(plan)).toEqual(["2026-01-07T10:15:00.000Z PENDING"]);
    expect(iso(plan?.changes.nextRunAt)).toBe("2026-01-07T10:30:00.000Z");
  });
});

describe("catch-up after a 3-day outage of rate(1 minute)", () => {
  const outage = scheduleRecord({ nextRunAt: ms("2026-01-05T00:01:00Z"), runCount: 1 });
  const now = "2026-01-08T00:00:30Z";

  it("latest: runs once, for the most recent missed minute, and resumes the grid", () => {
    const plan = planAt({ ...outage, catchUp: "latest" }, now);
    expect(scheduled(plan)).toEqual(["2026-01-08T00:00:00.000Z PENDING"]);
    expect(iso(plan?.changes.nextRunAt)).toBe("2026-01-08T00:01:00.000Z");
    expect(plan?.changes.runCount).toBe(2);
  });

  it("all: runs each missed minute in turn, a bounded number per claim", () => {
    let record: ScheduleRecord = { ...outage, catchUp: "all" };
    const plan = planAt(record, now, { maxRunsPerClaim: 20 });
    expect(plan?.runs).toHaveLength(20);
    expect(scheduled(plan).slice(0, 2)).toEqual([
      "2026-01-05T00:01:00.000Z PENDING",
      "2026-01-05T00:02:00.000Z PENDING",
    ]);
    expect(iso(plan?.changes.nextRunAt)).toBe("2026-01-05T00:21:00.000Z");
    if (plan === undefined) throw new Error("expected a plan");
    record = applyPlan(record, plan);
    expect(scheduled(planAt(record, now, { maxRunsPerClaim: 20 }))[0]).toBe(
      "2026-01-05T00:21:00.000Z PENDING",
    );
  });

  it("all: claims as many runs of a large payload as of a small one, as runs travel as messages", () => {
    const payload = { blob: "x".repeat(250 * 1024) };
    const plan = planAt({ ...outage, catchUp: "all", payload }, now, { maxRunsPerClaim: 25 });
    expect(plan?.runs.length).toBe(25);
  });

  it("all with maxLateness: one MISSED run stands for the too-late stretch, then each recent minute runs", () => {
    const plan = planAt({ ...outage, catchUp: "all", maxLatenessMs: 180_000 }, now);
    expect(scheduled(plan)).toEqual([
      "2026-01-07T23:57:00.000Z MISSED",
      "2026-01-07T23:58:00.000Z PENDING",
      "2026-01-07T23:59:00.000Z PENDING",
      "2026-01-08T00:00:00.000Z PENDING",
    ]);
    expect(iso(plan?.changes.nextRunAt)).toBe("2026-01-08T00:01:00.000Z");
  });

  it("none: skips to the first minute after now, writing nothing", () => {
    const plan = planAt({ ...outage, catchUp: "none" }, now, { onTimeToleranceMs: 20_000 });
    expect(plan?.runs).toEqual([]);
    expect(iso(plan?.changes.nextRunAt)).toBe("2026-01-08T00:01:00.000Z");
    expect(plan?.changes.runCount).toBe(1);
  });

  it("none: still runs the most recent minute when it is within the on-time tolerance", () => {
    const plan = planAt({ ...outage, catchUp: "none" }, now, { onTimeToleranceMs: 60_000 });
    expect(scheduled(plan)).toEqual(["2026-01-08T00:00:00.000Z PENDING"]);
  });
});

describe("max lateness", () => {
  it("records a MISSED run instead of a run, saying how late it was", () => {
    const record = scheduleRecord({
      expression: "0 * * * *",
      nextRunAt: ms("2026-01-05T01:00:00Z"),
      maxLatenessMs: 60_000,
    });
    const plan = planAt(record, "2026-01-05T01:02:00Z");
    expect(scheduled(plan)).toEqual(["2026-01-05T01:00:00.000Z MISSED"]);
    expect(plan?.pending).toEqual([]);
    expect(plan?.notRun[0]?.error).toEqual({
      name: "MissedRun",
      message: "120000 ms late, over its maxLateness of 60000 ms",
    });
    expect(plan?.notRun[0]?.finishedAt).toBe(ms("2026-01-05T01:02:00Z"));
    expect(iso(plan?.changes.nextRunAt)).toBe("2026-01-05T02:00:00.000Z");
  });

  it("still runs an occurrence exactly at its lateness limit", () => {
    const record = scheduleRecord({
      expression: "0 * * * *",
      nextRunAt: ms("2026-01-05T01:00:00Z"),
      maxLatenessMs: 60_000,
    });
    expect(scheduled(planAt(record, "2026-01-05T01:01:00Z"))).toEqual([
      "2026-01-05T01:00:00.000Z PENDING",
    ]);
  });
});

describe("deadlines", () => {
  const deadline = scheduleRecord({
    expression: "deadline(2026-01-05T12:00:00)",
    nextRunAt: ms("2026-01-05T10:00:00Z"),
  });

  it("runs before the deadline, once, and completes", () => {
    const plan = planAt(deadline, "2026-01-05T11:59:59Z");
    expect(scheduled(plan)).toEqual(["2026-01-05T10:00:00.000Z PENDING"]);
    expect(plan?.changes).toMatchObject({
      state: "COMPLETED",
      nextRunAt: undefined,
      dueAt: undefined,
    });
    expect(plan?.ended).toBe(true);
  });

  it("expires after the deadline: an EXPIRED run to report and an EXPIRED schedule", () => {
    const plan = planAt(deadline, "2026-01-05T12:00:01Z");
    expect(scheduled(plan)).toEqual(["2026-01-05T10:00:00.000Z EXPIRED"]);
    expect(plan?.notRun[0]?.error?.message).toBe(
      "not run by its deadline 2026-01-05T12:00:00.000Z",
    );
    expect(plan?.changes).toMatchObject({ state: "EXPIRED", nextRunAt: undefined, runCount: 1 });
  });

  it("ignores catch-up none: a deadline runs as soon as possible", () => {
    const plan = planAt({ ...deadline, catchUp: "none" }, "2026-01-05T11:00:00Z");
    expect(scheduled(plan)).toEqual(["2026-01-05T10:00:00.000Z PENDING"]);
  });
});

describe("end conditions", () => {
  const cases = [
    {
      name: "maxRuns: completes with its last run",
      overrides: { maxRuns: 3, runCount: 2 },
      now: "2026-01-05T00:00:00Z",
      runs: ["2026-01-05T00:00:00.000Z PENDING"],
    },
    {
      name: "endAt: completes when the next occurrence is after it",
      overrides: { endAt: ms("2026-01-05T00:00:30Z") },
      now: "2026-01-05T00:00:00Z",
      runs: ["2026-01-05T00:00:00.000Z PENDING"],
    },
    {
      name: "endAt: completes without a run when already past it",
      overrides: { endAt: ms("2026-01-04T00:00:00Z") },
      now: "2026-01-05T00:00:00Z",
      runs: [],
    },
    {
      name: "at: a one-shot completes with its run",
      overrides: { expression: "at(2026-01-05T00:00:00)" },
      now: "2026-01-05T00:00:10Z",
      runs: ["2026-01-05T00:00:00.000Z PENDING"],
    },
    {
      name: "at: a one-shot skipped by catch-up none is recorded MISSED, never dropped",
      overrides: { expression: "at(2026-01-05T00:00:00)", catchUp: "none" as const },
      now: "2026-01-05T06:00:00Z",
      runs: ["2026-01-05T00:00:00.000Z MISSED"],
    },
    {
      name: "rrule: completes when the rule is exhausted",
      overrides: {
        expression: "DTSTART:20260105T000000Z\nRRULE:FREQ=DAILY;COUNT=2",
        nextRunAt: ms("2026-01-06T00:00:00Z"),
        runCount: 1,
      },
      now: "2026-01-06T00:00:05Z",
      runs: ["2026-01-06T00:00:00.000Z PENDING"],
    },
  ];
  it.each(cases)("$name", ({ overrides, now, runs }) => {
    const plan = planAt(scheduleRecord(overrides), now);
    expect(scheduled(plan)).toEqual(runs);
    expect(plan?.changes).toMatchObject({
      state: "COMPLETED",
      nextRunAt: undefined,
      dueAt: undefined,
    });
  });

  it("all: never claims more runs than maxRuns allows", () => {
    const record = scheduleRecord({ catchUp: "all", maxRuns: 5, runCount: 2 });
    const plan = planAt(record, "2026-01-05T01:00:00Z");
    expect(plan?.runs).toHaveLength(3);
    expect(plan?.changes).toMatchObject({ state: "COMPLETED", runCount: 5 });
  });
});

describe("precise schedules", () => {
  const precise = scheduleRecord({
    expression: "rate(10 seconds)",
    precise: true,
    nextRunAt: ms("2026-01-05T00:00:20Z"),
  });

  it("are claimed within the lookahead, every occurrence in it", () => {
    const plan = planAt(precise, "2026-01-05T00:00:00Z", { lookaheadMs: 60_000 });
    expect(scheduled(plan)).toEqual([
      "2026-01-05T00:00:20.000Z PENDING",
      "2026-01-05T00:00:30.000Z PENDING",
      "2026-01-05T00:00:40.000Z PENDING",
      "2026-01-05T00:00:50.000Z PENDING",
      "2026-01-05T00:01:00.000Z PENDING",
    ]);
    expect(iso(plan?.changes.nextRunAt)).toBe("2026-01-05T00:01:10.000Z");
  });

  it("are not claimed beyond the lookahead", () => {
    expect(planAt(precise, "2026-01-05T00:00:00Z", { lookaheadMs: 10_000 })).toBeUndefined();
  });

  it("that were missed are caught up, then the lookahead is claimed", () => {
    const plan = planAt(
      {
        ...precise,
        createdAt: ms("2026-01-04T00:00:00Z"),
        nextRunAt: ms("2026-01-04T00:00:00Z"),
        dueAt: ms("2026-01-04T00:00:00Z"),
      },
      "2026-01-05T00:00:05Z",
      {
        lookaheadMs: 20_000,
      },
    );
    expect(scheduled(plan)).toEqual([
      "2026-01-05T00:00:00.000Z PENDING",
      "2026-01-05T00:00:10.000Z PENDING",
      "2026-01-05T00:00:20.000Z PENDING",
    ]);
  });
});
