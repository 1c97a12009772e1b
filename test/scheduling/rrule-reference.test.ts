import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nextRuns, parseSchedule, type RRuleSchedule } from "../../src/scheduling/index.js";
import { referenceWalls } from "./rrule-reference.js";

const DAY = 86_400_000;
const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
/** How far the naive reference looks ahead, per FREQ (it is slow for fine frequencies). */
const HORIZON = {
  YEARLY: 40 * 366 * DAY,
  MONTHLY: 8 * 366 * DAY,
  WEEKLY: 4 * 366 * DAY,
  DAILY: 2 * 366 * DAY,
  HOURLY: 20 * DAY,
  MINUTELY: DAY,
  SECONDLY: 3_600_000,
} as const;
type Freq = keyof typeof HORIZON;

const signed = (max: number) => fc.integer({ min: -max, max }).filter((n) => n !== 0);
const list = <T>(arb: fc.Arbitrary<T>, max = 3) =>
  fc.uniqueArray(arb, { minLength: 1, maxLength: max });
const maybe = <T>(arb: fc.Arbitrary<T>, p = 0.25) =>
  fc.oneof(
    { arbitrary: fc.constant(undefined), weight: Math.round((1 - p) * 100) },
    { arbitrary: arb, weight: Math.round(p * 100) },
  );

/** Random RRULE texts that RFC 5545 allows, with a DTSTART and an `after` near it. */
const ruleCase = fc
  .record({
    freq: fc.constantFrom<Freq>(
      "YEARLY",
      "MONTHLY",
      "WEEKLY",
      "DAILY",
      "HOURLY",
      "MINUTELY",
      "SECONDLY",
    ),
    interval: fc.integer({ min: 1, max: 4 }),
    byMonth: maybe(list(fc.integer({ min: 1, max: 12 }), 6)),
    byWeekNo: maybe(list(signed(53), 4), 0.4),
    byYearDay: maybe(list(signed(366), 6), 0.15),
    byMonthDay: maybe(list(signed(31), 4)),
    byDay: maybe(
      list(fc.record({ weekday: fc.constantFrom(...WEEKDAYS), nth: maybe(signed(5), 0.4) }), 4),
      0.4,
    ),
    byHour: maybe(list(fc.integer({ min: 0, max: 23 }), 4)),
    byMinute: maybe(list(fc.integer({ min: 0, max: 59 }), 4)),
    bySecond: maybe(list(fc.integer({ min: 0, max: 59 }), 4), 0.15),
    bySetPos: maybe(list(signed(4), 2), 0.3),
    wkst: fc.constantFrom(...WEEKDAYS),
    end: fc.oneof(
      fc.constant(""),
      fc.integer({ min: 1, max: 30 }).map((n) => `;COUNT=${n}`),
      fc.integer({ min: 1, max: 400 }).map((n) => `;UNTIL@${n}`),
    ),
    dtstart: fc.date({
      min: new Date("2020-01-01T00:00:00Z"),
      max: new Date("2030-12-31T00:00:00Z"),
      noInvalidDate: true,
    }),
    afterFraction: fc.double({ min: -0.05, max: 0.6, noNaN: true }),
  })
  .map((c) => {
    const { freq } = c;
    // Day filters on sub-daily rules mostly leave the short horizon empty: use them rarely.
    const subDaily = freq === "HOURLY" || freq === "MINUTELY" || freq === "SECONDLY";
    if (subDaily && c.dtstart.getTime() % 3 !== 0) {
      c.byMonth = c.byYearDay = c.byMonthDay = undefined;
    }
    const parts = [`FREQ=${freq}`, `INTERVAL=${c.interval}`, `WKST=${c.wkst}`];
    if (c.byMonth) parts.push(`BYMONTH=${c.byMonth.join(",")}`);
    if (c.byWeekNo && freq === "YEARLY") parts.push(`BYWEEKNO=${c.byWeekNo.join(",")}`);
    if (c.byYearDay && !["DAILY", "WEEKLY", "MONTHLY"].includes(freq))
      parts.push(`BYYEARDAY=${c.byYearDay.join(",")}`);
    if (c.byMonthDay && freq !== "WEEKLY") parts.push(`BYMONTHDAY=${c.byMonthDay.join(",")}`);
    if (c.byDay) {
      const numbered =
        (freq === "MONTHLY" || freq === "YEARLY") && !parts.some((p) => p.startsWith("BYWEEKNO"));
      const days = c.byDay.map(
        (d) => `${numbered && d.nth !== undefined ? d.nth : ""}${d.weekday}`,
      );
      parts.push(`BYDAY=${[...new Set(days)].join(",")}`);
    }
    if (c.byHour) parts.push(`BYHOUR=${c.byHour.join(",")}`);
    if (c.byMinute) parts.push(`BYMINUTE=${c.byMinute.join(",")}`);
    if (c.bySecond) parts.push(`BYSECOND=${c.bySecond.join(",")}`);
    if (c.bySetPos && parts.length > 3) parts.push(`BYSETPOS=${c.bySetPos.join(",")}`);
    const dtstart = Math.floor(c.dtstart.getTime() / 1000) * 1000;
    const horizon = HORIZON[freq];
    let end = c.end;
    if (end.startsWith(";UNTIL@")) {
      const until = dtstart + Math.floor((horizon * Number(end.slice(7))) / 1000);
      end = `;UNTIL=${new Date(until).toISOString().replace(/[-:]/g, "").slice(0, 15)}Z`;
    }
    const stamp = new Date(dtstart).toISOString().replace(/[-:]/g, "").slice(0, 15);
    return {
      text: `DTSTART:${stamp}Z\nRRULE:${parts.join(";")}${end}`,
      dtstart,
      after: dtstart + Math.floor(c.afterFraction * horizon),
      horizon: dtstart + horizon,
    };
  });

describe("the rrule engine against a naive expansion of RFC 5545", () => {
  it("lists the same date-times for random rules of every frequency", () => {
    fc.assert(
      fc.property(ruleCase, ({ text, dtstart, after, horizon }) => {
        const schedule = parseSchedule(text) as RRuleSchedule;
        const rule = schedule.rule;
        if (rule === undefined) throw new Error("no rule");
        const expected = referenceWalls(rule, dtstart, horizon)
          .filter((t) => t > after)
          .slice(0, 8)
          .map((t) => new Date(t).toISOString());
        const actual = nextRuns(schedule, { after: new Date(after), count: 8 })
          .filter((d) => d.getTime() <= horizon)
          .map((d) => d.toISOString());
        expect(actual).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });
});
