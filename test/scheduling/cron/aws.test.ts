import { describe, expect, it } from "vitest";
import { parseAwsCron } from "../../../src/scheduling/cron/index.js";
import { fireTimes, iso } from "./support.js";

// 2026 calendar: January 1 is a Thursday; February and March 1 are Sundays; August 1 is a
// Saturday; May 31 is a Sunday. Times are UTC unless the zone column says otherwise.
interface Case {
  readonly name: string;
  readonly body: string;
  readonly after: string;
  readonly expected: readonly string[];
}

const documentationExamples: readonly Case[] = [
  {
    name: "0 10 * * ? * runs at 10:00 every day",
    body: "0 10 * * ? *",
    after: "2026-01-01T09:59",
    expected: ["2026-01-01T10:00", "2026-01-02T10:00", "2026-01-03T10:00"],
  },
  {
    name: "15 12 * * ? * runs at 12:15 every day, across a year end",
    body: "15 12 * * ? *",
    after: "2026-12-30T12:15",
    expected: ["2026-12-31T12:15", "2027-01-01T12:15"],
  },
  {
    name: "0 18 ? * MON-FRI * runs at 18:00 on weekdays only",
    body: "0 18 ? * MON-FRI *",
    after: "2026-01-02T18:00",
    expected: ["2026-01-05T18:00", "2026-01-06T18:00", "2026-01-07T18:00"],
  },
  {
    name: "0 8 1 * ? * runs at 08:00 on the first of each month",
    body: "0 8 1 * ? *",
    after: "2026-01-01T08:00",
    expected: ["2026-02-01T08:00", "2026-03-01T08:00", "2026-04-01T08:00"],
  },
  {
    name: "0/15 * * * ? * runs every 15 minutes",
    body: "0/15 * * * ? *",
    after: "2026-01-01T00:07",
    expected: ["2026-01-01T00:15", "2026-01-01T00:30", "2026-01-01T00:45", "2026-01-01T01:00"],
  },
  {
    name: "0/10 * ? * MON-FRI * runs every 10 minutes on weekdays, skipping the weekend",
    body: "0/10 * ? * MON-FRI *",
    after: "2026-01-02T23:45",
    expected: ["2026-01-02T23:50", "2026-01-05T00:00", "2026-01-05T00:10"],
  },
  {
    name: "0/5 8-17 ? * MON-FRI * runs every 5 minutes from 08:00 to 17:55 on weekdays",
    body: "0/5 8-17 ? * MON-FRI *",
    after: "2026-01-02T17:50",
    expected: ["2026-01-02T17:55", "2026-01-05T08:00", "2026-01-05T08:05"],
  },
  {
    name: "0 9 ? * 2#1 * runs at 09:00 on the first Monday of each month",
    body: "0 9 ? * 2#1 *",
    after: "2026-01-01T00:00",
    expected: ["2026-01-05T09:00", "2026-02-02T09:00", "2026-03-02T09:00", "2026-04-06T09:00"],
  },
];

// `a/n` is `a-max/n` in every field; day-of-week ends at 7, Saturday.
const openEndedSteps: readonly Case[] = [
  {
    name: "0 0 ? * 2/2 * runs on Monday, Wednesday and Friday",
    body: "0 0 ? * 2/2 *",
    after: "2026-01-01T00:00",
    expected: ["2026-01-02T00:00", "2026-01-05T00:00", "2026-01-07T00:00", "2026-01-09T00:00"],
  },
  {
    name: "0 0 ? * 6/1 * runs on Friday and Saturday, not on to Sunday",
    body: "0 0 ? * 6/1 *",
    after: "2026-01-01T00:00",
    expected: ["2026-01-02T00:00", "2026-01-03T00:00", "2026-01-09T00:00"],
  },
  {
    name: "0 0 1 1 ? 2030/5 runs on New Year's Day every fifth year from 2030",
    body: "0 0 1 1 ? 2030/5",
    after: "2026-01-01T00:00",
    expected: ["2030-01-01T00:00", "2035-01-01T00:00", "2040-01-01T00:00"],
  },
];

const specialCharacters: readonly Case[] = [
  {
    name: "L in day-of-month is the last day, 28 or 29 in February",
    body: "0 0 L * ? *",
    after: "2027-12-31T00:00",
    expected: ["2028-01-31T00:00", "2028-02-29T00:00", "2028-03-31T00:00", "2028-04-30T00:00"],
  },
  {
    name: "6L in day-of-week is the last Friday of the month",
    body: "0 0 ? * 6L *",
    after: "2026-01-01T00:00",
    expected: ["2026-01-30T00:00", "2026-02-27T00:00", "2026-03-27T00:00", "2026-04-24T00:00"],
  },
  {
    name: "L alone in day-of-week is every Saturday",
    body: "0 0 ? * L *",
    after: "2026-01-01T00:00",
    expected: ["2026-01-03T00:00", "2026-01-10T00:00", "2026-01-17T00:00"],
  },
  {
    name: "15W is the weekday nearest the 15th: Monday after a Sunday, Friday before a Saturday",
    body: "0 0 15W * ? *",
    after: "2026-07-01T00:00",
    expected: ["2026-07-15T00:00", "2026-08-14T00:00", "2026-09-15T00:00"],
  },
  {
    name: "1W in a month starting on Saturday is Monday the 3rd, never the previous month",
    body: "0 0 1W * ? *",
    after: "2026-07-15T00:00",
    expected: ["2026-08-03T00:00", "2026-09-01T00:00", "2026-10-01T00:00"],
  },
  {
    name: "1W in a month starting on Sunday is Monday the 2nd",
    body: "0 0 1W * ? *",
    after: "2026-01-15T00:00",
    expected: ["2026-02-02T00:00", "2026-03-02T00:00"],
  },
  {
    name: "31W on a Sunday is Friday the 29th, and months without a 31st are skipped",
    body: "0 0 31W * ? *",
    after: "2026-04-01T00:00",
    expected: ["2026-05-29T00:00", "2026-07-31T00:00", "2026-08-31T00:00"],
  },
  {
    name: "LW is the last weekday of the month",
    body: "0 0 LW * ? *",
    after: "2026-01-01T00:00",
    expected: ["2026-01-30T00:00", "2026-02-27T00:00", "2026-03-31T00:00", "2026-04-30T00:00"],
  },
  {
    name: "5#5 is the fifth Thursday, in the months that have one",
    body: "0 12 ? * 5#5 *",
    after: "2026-01-01T00:00",
    expected: [
      "2026-01-29T12:00",
      "2026-04-30T12:00",
      "2026-07-30T12:00",
      "2026-10-29T12:00",
      "2026-12-31T12:00",
    ],
  },
  {
    name: "names are case-insensitive and ranges of names work",
    body: "30 6 ? jan-feb sat,Sun *",
    after: "2026-01-30T00:00",
    expected: ["2026-01-31T06:30", "2026-02-01T06:30", "2026-02-07T06:30"],
  },
  {
    name: "a/b in the hour field runs from a to the end of the day by b",
    body: "0 3/8 * * ? *",
    after: "2026-01-01T00:00",
    expected: ["2026-01-01T03:00", "2026-01-01T11:00", "2026-01-01T19:00", "2026-01-02T03:00"],
  },
];

const yearField: readonly Case[] = [
  {
    name: "a year list skips the years not listed and then ends",
    body: "0 12 1 1 ? 2027,2029",
    after: "2026-06-01T00:00",
    expected: ["2027-01-01T12:00", "2029-01-01T12:00"],
  },
  {
    name: "a year range ends after its last year",
    body: "0 0 1 * ? 2026-2027",
    after: "2027-10-15T00:00",
    expected: ["2027-11-01T00:00", "2027-12-01T00:00"],
  },
  {
    name: "a year field that has already ended never fires",
    body: "0 0 1 1 ? 2020",
    after: "2026-01-01T00:00",
    expected: [],
  },
  {
    name: "a stepped year range far ahead is reached, 2100 having no 29 February",
    body: "0 0 29 2 ? 2100-2110/4",
    after: "2026-01-01T00:00",
    expected: ["2104-02-29T00:00", "2108-02-29T00:00"],
  },
];

describe("parseAwsCron and nextCronRun", () => {
  describe("the EventBridge documentation examples", () => {
    it.each(documentationExamples)("$name", ({ body, after, expected }) => {
      expect(fireTimes(parseAwsCron(body), `${after}:00Z`, "UTC", expected.length)).toEqual(
        expected.map(iso),
      );
    });
  });

  describe("a/n steps, which run to the field's end", () => {
    it.each(openEndedSteps)("$name", ({ body, after, expected }) => {
      expect(fireTimes(parseAwsCron(body), `${after}:00Z`, "UTC", expected.length)).toEqual(
        expected.map(iso),
      );
    });
  });

  describe("L, W and #", () => {
    it.each(specialCharacters)("$name", ({ body, after, expected }) => {
      expect(fireTimes(parseAwsCron(body), `${after}:00Z`, "UTC", expected.length)).toEqual(
        expected.map(iso),
      );
    });
  });

  describe("the year field", () => {
    it.each(yearField)("$name", ({ body, after, expected }) => {
      expect(fireTimes(parseAwsCron(body), `${after}:00Z`, "UTC", 5)).toEqual(expected.map(iso));
    });
  });

  it("gives fire times strictly after a time that is itself a fire time", () => {
    expect(fireTimes(parseAwsCron("0 10 * * ? *"), "2026-01-01T10:00:00.000Z", "UTC", 1)).toEqual([
      iso("2026-01-02T10:00"),
    ]);
  });

  it("gives whole minutes after a time with seconds", () => {
    expect(fireTimes(parseAwsCron("* * * * ? *"), "2026-01-01T10:00:59.999Z", "UTC", 2)).toEqual([
      iso("2026-01-01T10:01"),
      iso("2026-01-01T10:02"),
    ]);
  });

  it("marks an expression without * in minute and hour as fixed-time, even with a step", () => {
    expect(parseAwsCron("0/15 8 * * ? *").fixedTime).toBe(true);
    expect(parseAwsCron("0 * * * ? *").fixedTime).toBe(false);
    expect(parseAwsCron("*/5 8 * * ? *").fixedTime).toBe(false);
  });

  it("compiles to plain data that evaluates the same after a JSON round trip", () => {
    const spec = parseAwsCron("0 9 ? * 2#1 2026-2030");
    const copy = JSON.parse(JSON.stringify(spec));
    expect(copy).toEqual(spec);
    expect(fireTimes(copy, "2026-01-01T00:00:00Z")).toEqual(
      fireTimes(spec, "2026-01-01T00:00:00Z"),
    );
  });
});
