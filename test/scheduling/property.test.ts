import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  nextRun,
  nextRuns,
  parseSchedule,
  previousRun,
  type Schedule,
} from "../../src/scheduling/index.js";

const ZONES = [
  "UTC",
  "America/New_York",
  "Europe/London",
  "Europe/Berlin",
  "Australia/Sydney",
  "Australia/Lord_Howe",
  "Asia/Kolkata",
  "Pacific/Chatham",
  "America/Sao_Paulo",
];
const minute = fc.integer({ min: 0, max: 59 });
const hour = fc.integer({ min: 0, max: 23 });
const instant = (min: string, max: string) =>
  fc.date({ min: new Date(min), max: new Date(max), noInvalidDate: true }).map((d) => d.getTime());

const expressions = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1, max: 90 }), fc.constantFrom("seconds", "minutes", "hours", "days"))
    .map(([n, u]) => `rate(${n} ${u})`),
  fc
    .tuple(minute, hour, fc.constantFrom("MON-FRI", "SUN", "2,4,6", "*"))
    .map(([m, h, d]) => `cron(${m} ${h} ? * ${d} *)`),
  fc
    .tuple(minute, hour, fc.constantFrom("1", "15", "L", "LW", "10W", "31"))
    .map(([m, h, d]) => `cron(${m} ${h} ${d} * ? *)`),
  fc
    .tuple(fc.integer({ min: 1, max: 30 }), fc.constantFrom("*", "9-17"))
    .map(([n, h]) => `cron(0/${n} ${h} * * ? *)`),
  fc
    .tuple(minute, hour, fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 5 }))
    .map(([m, h, d, k]) => `cron(${m} ${h} ? * ${d}#${k} *)`),
  fc
    .tuple(minute, hour, fc.constantFrom("*", "1-5", "0,6"))
    .map(([m, h, d]) => `${m} ${h} * * ${d}`),
  fc.tuple(minute, fc.constantFrom("1", "2,3", "1-3")).map(([m, h]) => `${m} ${h} * * *`),
  fc
    .tuple(fc.integer({ min: 1, max: 30 }), fc.constantFrom("*", "1-3"))
    .map(([n, h]) => `*/${n} ${h} * * *`),
  fc.constantFrom("@hourly", "@daily", "@weekly", "@monthly", "@yearly"),
  instant("2020-01-01", "2036-01-01").map((t) => `at(${new Date(t).toISOString().slice(0, 19)})`),
  instant("2020-01-01", "2036-01-01").map(
    (t) => `deadline(${new Date(t).toISOString().slice(0, 19)})`,
  ),
  fc
    .tuple(
      instant("2020-01-01", "2030-01-01"),
      fc.constantFrom(
        "DAILY",
        "WEEKLY;BYDAY=MO,TH",
        "HOURLY;INTERVAL=5",
        "MINUTELY;INTERVAL=45",
        "MONTHLY;BYMONTHDAY=-1",
        "YEARLY",
      ),
      fc.constantFrom("", ";BYHOUR=1,2,3;BYMINUTE=30", ";COUNT=20"),
    )
    .map(([t, rule, extra]) => {
      const stamp = new Date(t).toISOString().replace(/[-:]/g, "").slice(0, 15);
      const limits =
        rule.startsWith("MINUTELY") || rule.startsWith("HOURLY")
          ? extra.replace(";BYHOUR=1,2,3;BYMINUTE=30", "")
          : extra;
      return `DTSTART:${stamp}\nRRULE:FREQ=${rule}${limits}`;
    }),
);

const cases = fc.record({
  expression: expressions,
  timezone: fc.constantFrom(...ZONES),
  after: instant("2019-06-01", "2035-06-01"),
  startOffset: fc.integer({ min: -40 * 86_400_000, max: 86_400_000 }),
});

function parsed(expression: string, timezone: string): Schedule {
  return parseSchedule(expression, { timezone });
}

describe("properties of every schedule kind in every zone", () => {
  it("lists instants strictly after `after`, strictly increasing", () => {
    fc.assert(
      fc.property(cases, ({ expression, timezone, after, startOffset }) => {
        const schedule = parsed(expression, timezone);
        const list = nextRuns(schedule, {
          after: new Date(after),
          count: 12,
          start: new Date(after + startOffset),
        });
        let previous = after;
        for (const run of list) {
          expect(run.getTime()).toBeGreaterThan(previous);
          previous = run.getTime();
        }
      }),
      { numRuns: 300 },
    );
  });

  it("finds as previous run the latest instant nextRun produces, and nothing between it and the moment", () => {
    fc.assert(
      fc.property(cases, ({ expression, timezone, after, startOffset }) => {
        const schedule = parsed(expression, timezone);
        const start = new Date(after + startOffset);
        const latest = previousRun(schedule, new Date(after), { start });
        if (latest === undefined) {
          // Nothing at or before `after`: a rate or deadline first fires later (or never).
          if (schedule.kind === "rate" || schedule.kind === "deadline") {
            const first = nextRun(schedule, new Date(start.getTime() - 1), { start });
            expect(first === undefined || first.getTime() > after).toBe(true);
          }
          return;
        }
        expect(latest.getTime()).toBeLessThanOrEqual(after);
        expect(nextRun(schedule, new Date(latest.getTime() - 1), { start })?.getTime()).toBe(
          latest.getTime(),
        );
        const following = nextRun(schedule, latest, { start });
        if (schedule.kind !== "deadline")
          expect(following === undefined || following.getTime() > after).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("agrees with nextRuns: the run before each listed run is the one listed before it", () => {
    fc.assert(
      fc.property(cases, ({ expression, timezone, after, startOffset }) => {
        const schedule = parsed(expression, timezone);
        const start = new Date(after + startOffset);
        const list = nextRuns(schedule, { after: new Date(after), count: 4, start });
        for (let i = 1; i < list.length; i++) {
          const before = new Date((list[i]?.getTime() ?? 0) - 1);
          expect(previousRun(schedule, before, { start })?.toISOString()).toBe(
            list[i - 1]?.toISOString(),
          );
        }
      }),
      { numRuns: 150 },
    );
  });
});
