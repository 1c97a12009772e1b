import { describe, expect, it } from "vitest";
import { parseUnixCron } from "../../../src/scheduling/cron/index.js";
import { fireTimes, iso } from "./support.js";

// 2026 calendar: January 1 is a Thursday, January 4 a Sunday. All times UTC.
interface Case {
  readonly name: string;
  readonly expression: string;
  readonly after: string;
  readonly expected: readonly string[];
}

const manPageExamples: readonly Case[] = [
  {
    name: "5 0 * * * runs five minutes after midnight, every day",
    expression: "5 0 * * *",
    after: "2026-01-01T00:05",
    expected: ["2026-01-02T00:05", "2026-01-03T00:05", "2026-01-04T00:05"],
  },
  {
    name: "15 14 1 * * runs at 14:15 on the first of every month",
    expression: "15 14 1 * *",
    after: "2026-01-01T00:00",
    expected: ["2026-01-01T14:15", "2026-02-01T14:15", "2026-03-01T14:15"],
  },
  {
    name: "0 22 * * 1-5 runs at 22:00 on weekdays",
    expression: "0 22 * * 1-5",
    after: "2026-01-02T21:00",
    expected: ["2026-01-02T22:00", "2026-01-05T22:00", "2026-01-06T22:00"],
  },
  {
    name: "23 0-23/2 * * * runs 23 minutes after every even hour",
    expression: "23 0-23/2 * * *",
    after: "2026-01-01T21:00",
    expected: ["2026-01-01T22:23", "2026-01-02T00:23", "2026-01-02T02:23"],
  },
  {
    name: "5 4 * * sun runs at 04:05 every Sunday",
    expression: "5 4 * * sun",
    after: "2026-01-01T00:00",
    expected: ["2026-01-04T04:05", "2026-01-11T04:05", "2026-01-18T04:05"],
  },
];

const dayFields: readonly Case[] = [
  {
    name: "0 4 8-14 * sat runs on the 8th to 14th and on every Saturday (both restricted: OR)",
    expression: "0 4 8-14 * sat",
    after: "2026-01-01T00:00",
    expected: [
      "2026-01-03T04:00",
      "2026-01-08T04:00",
      "2026-01-09T04:00",
      "2026-01-10T04:00",
      "2026-01-11T04:00",
      "2026-01-12T04:00",
      "2026-01-13T04:00",
      "2026-01-14T04:00",
      "2026-01-17T04:00",
    ],
  },
  {
    name: "*/2 * 1 * * runs every two minutes on the first only (day-of-week is *: AND)",
    expression: "*/2 * 1 * *",
    after: "2026-01-31T23:57",
    expected: ["2026-02-01T00:00", "2026-02-01T00:02", "2026-02-01T00:04"],
  },
  {
    name: "0 0 */2 * 1 runs on odd days that are Mondays (day-of-month starts with *: AND)",
    expression: "0 0 */2 * 1",
    after: "2026-01-01T00:00",
    expected: ["2026-01-05T00:00", "2026-01-19T00:00", "2026-02-09T00:00", "2026-02-23T00:00"],
  },
  {
    name: "0 0 1 * */3 runs on the 1st when it is a Sunday, Wednesday or Saturday",
    expression: "0 0 1 * */3",
    after: "2026-01-01T00:00",
    expected: [
      "2026-02-01T00:00",
      "2026-03-01T00:00",
      "2026-04-01T00:00",
      "2026-07-01T00:00",
      "2026-08-01T00:00",
    ],
  },
  {
    name: "day-of-week 7 is Sunday, like 0",
    expression: "0 0 * * 7",
    after: "2026-01-01T00:00",
    expected: ["2026-01-04T00:00", "2026-01-11T00:00"],
  },
  {
    name: "a day-of-week range ending at 7 covers Friday to Sunday",
    expression: "0 0 * * 5-7",
    after: "2026-01-01T00:00",
    expected: ["2026-01-02T00:00", "2026-01-03T00:00", "2026-01-04T00:00", "2026-01-09T00:00"],
  },
  {
    name: "29 February fires only in leap years",
    expression: "0 0 29 2 *",
    after: "2026-01-01T00:00",
    expected: ["2028-02-29T00:00", "2032-02-29T00:00"],
  },
  {
    name: "29 February skips 2100, which is not a leap year",
    expression: "0 0 29 2 *",
    after: "2096-03-01T00:00",
    expected: ["2104-02-29T00:00"],
  },
  {
    name: "0 0 31 * * skips the months without a 31st",
    expression: "0 0 31 * *",
    after: "2026-01-31T00:00",
    expected: [
      "2026-03-31T00:00",
      "2026-05-31T00:00",
      "2026-07-31T00:00",
      "2026-08-31T00:00",
      "2026-10-31T00:00",
    ],
  },
  {
    name: "month and weekday names are case-insensitive",
    expression: "0 12 * JAN,jul Sun",
    after: "2026-01-20T00:00",
    expected: ["2026-01-25T12:00", "2026-07-05T12:00", "2026-07-12T12:00"],
  },
];

// `a/n` is `a-max/n`, as cronie, croner and cron-parser read it.
const openEndedSteps: readonly Case[] = [
  {
    name: "5/20 in minute runs at 5, 25 and 45 past each hour, like 5-59/20",
    expression: "5/20 * * * *",
    after: "2026-01-01T00:00",
    expected: ["2026-01-01T00:05", "2026-01-01T00:25", "2026-01-01T00:45", "2026-01-01T01:05"],
  },
  {
    name: "0 22/1 * * * runs at 22:00 and 23:00 only",
    expression: "0 22/1 * * *",
    after: "2026-01-01T00:00",
    expected: ["2026-01-01T22:00", "2026-01-01T23:00", "2026-01-02T22:00"],
  },
  {
    name: "0 0 25/3 * * runs on the 25th, 28th and 31st, a restricted day-of-month",
    expression: "0 0 25/3 * *",
    after: "2026-01-01T00:00",
    expected: ["2026-01-25T00:00", "2026-01-28T00:00", "2026-01-31T00:00", "2026-02-25T00:00"],
  },
  {
    name: "0 0 1 10/2 * runs on the 1st of October and December",
    expression: "0 0 1 10/2 *",
    after: "2026-01-01T00:00",
    expected: ["2026-10-01T00:00", "2026-12-01T00:00", "2027-10-01T00:00"],
  },
  {
    name: "0 0 * * 5/2 runs on Fridays and Sundays: day-of-week runs to 7, Sunday again",
    expression: "0 0 * * 5/2",
    after: "2026-01-01T00:00",
    expected: ["2026-01-02T00:00", "2026-01-04T00:00", "2026-01-09T00:00", "2026-01-11T00:00"],
  },
];

const macros: readonly Case[] = [
  {
    name: "@yearly",
    expression: "@yearly",
    after: "2026-01-01T00:00",
    expected: ["2027-01-01T00:00"],
  },
  {
    name: "@annually",
    expression: "@annually",
    after: "2026-06-01T00:00",
    expected: ["2027-01-01T00:00"],
  },
  {
    name: "@monthly",
    expression: "@monthly",
    after: "2026-01-15T00:00",
    expected: ["2026-02-01T00:00", "2026-03-01T00:00"],
  },
  {
    name: "@weekly (Sunday midnight)",
    expression: "@weekly",
    after: "2026-01-01T00:00",
    expected: ["2026-01-04T00:00", "2026-01-11T00:00"],
  },
  {
    name: "@daily",
    expression: "@daily",
    after: "2026-01-01T12:00",
    expected: ["2026-01-02T00:00", "2026-01-03T00:00"],
  },
  {
    name: "@midnight",
    expression: "@midnight",
    after: "2026-01-01T00:00",
    expected: ["2026-01-02T00:00"],
  },
  {
    name: "@hourly",
    expression: "@hourly",
    after: "2026-01-01T00:30",
    expected: ["2026-01-01T01:00", "2026-01-01T02:00"],
  },
];

describe("parseUnixCron and nextCronRun", () => {
  describe("the cron(5) examples", () => {
    it.each(manPageExamples)("$name", ({ expression, after, expected }) => {
      expect(fireTimes(parseUnixCron(expression), `${after}:00Z`, "UTC", expected.length)).toEqual(
        expected.map(iso),
      );
    });
  });

  describe("day-of-month, day-of-week and month ends", () => {
    it.each(dayFields)("$name", ({ expression, after, expected }) => {
      expect(fireTimes(parseUnixCron(expression), `${after}:00Z`, "UTC", expected.length)).toEqual(
        expected.map(iso),
      );
    });
  });

  describe("a/n steps, which run to the field's end", () => {
    it.each(openEndedSteps)("$name", ({ expression, after, expected }) => {
      expect(fireTimes(parseUnixCron(expression), `${after}:00Z`, "UTC", expected.length)).toEqual(
        expected.map(iso),
      );
    });
  });

  describe("macros", () => {
    it.each(macros)("$name", ({ expression, after, expected }) => {
      expect(fireTimes(parseUnixCron(expression), `${after}:00Z`, "UTC", expected.length)).toEqual(
        expected.map(iso),
      );
    });
  });

  it("never fires on a day that does not exist, like 30 February", () => {
    expect(fireTimes(parseUnixCron("0 0 30 2 *"), "2026-01-01T00:00:00Z")).toEqual([]);
  });

  it("marks an expression as fixed-time only when minute and hour have no *", () => {
    expect(parseUnixCron("30 2 * * *").fixedTime).toBe(true);
    expect(parseUnixCron("0,30 1-3 * * *").fixedTime).toBe(true);
    expect(parseUnixCron("*/30 2 * * *").fixedTime).toBe(false);
    expect(parseUnixCron("30 * * * *").fixedTime).toBe(false);
    expect(parseUnixCron("@hourly").fixedTime).toBe(false);
    expect(parseUnixCron("@daily").fixedTime).toBe(true);
  });

  it("reads the same schedule from equivalent spellings", () => {
    expect(parseUnixCron("0 12 * * mon-fri")).toEqual(parseUnixCron("0 12 * * 1-5"));
    expect(parseUnixCron("0 0 * * 0")).toEqual(parseUnixCron("0 0 * * 7"));
    expect(parseUnixCron("@weekly")).toEqual(parseUnixCron("0 0 * * sun"));
  });
});
