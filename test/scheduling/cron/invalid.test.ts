import { describe, expect, it } from "vitest";
import { InvalidScheduleError } from "../../../src/errors.js";
import { parseAwsCron, parseUnixCron } from "../../../src/scheduling/cron/index.js";

interface Case {
  readonly name: string;
  readonly text: string;
  readonly field: string;
  readonly message: string;
}

function errorOf(parse: () => unknown): InvalidScheduleError {
  try {
    parse();
  } catch (error) {
    if (error instanceof InvalidScheduleError) return error;
    throw error;
  }
  throw new Error("the expression was accepted");
}

const awsCases: readonly Case[] = [
  {
    name: "an empty expression",
    text: "",
    field: "cron",
    message:
      "cron expression needs 6 fields (minute hour day-of-month month day-of-week year), got 0",
  },
  {
    name: "five fields",
    text: "0 12 * * ?",
    field: "cron",
    message:
      "cron expression needs 6 fields (minute hour day-of-month month day-of-week year), got 5",
  },
  {
    name: "seven fields",
    text: "0 0 12 * * ? *",
    field: "cron",
    message:
      "cron expression needs 6 fields (minute hour day-of-month month day-of-week year), got 7",
  },
  {
    name: "day-of-week 8",
    text: "0 12 ? * 8 *",
    field: "cron day-of-week",
    message: 'cron day-of-week "8" is out of range 1-7 (SUN-SAT)',
  },
  {
    name: "day-of-week 0, which is Unix numbering",
    text: "0 12 ? * 0 *",
    field: "cron day-of-week",
    message: 'cron day-of-week "0" is out of range 1-7 (SUN-SAT)',
  },
  {
    name: "minute 60",
    text: "60 12 * * ? *",
    field: "cron minute",
    message: 'cron minute "60" is out of range 0-59',
  },
  {
    name: "hour 24 at the end of a range",
    text: "0 20-24 * * ? *",
    field: "cron hour",
    message: 'cron hour "24" is out of range 0-23',
  },
  {
    name: "year 2200",
    text: "0 12 * * ? 2200",
    field: "cron year",
    message: 'cron year "2200" is out of range 1970-2199',
  },
  {
    name: "neither day field is ?",
    text: "0 12 * * * *",
    field: "cron day-of-month",
    message:
      'cron(...) needs exactly one of day-of-month and day-of-week to be "?", got "*" and "*" (e.g. "0 12 * * ? *" or "0 12 ? * MON-FRI *")',
  },
  {
    name: "both day fields are ?",
    text: "0 12 ? * ? *",
    field: "cron day-of-month",
    message:
      'cron(...) needs exactly one of day-of-month and day-of-week to be "?", got "?" and "?" (e.g. "0 12 * * ? *" or "0 12 ? * MON-FRI *")',
  },
  {
    name: "? outside the day fields",
    text: "0 ? * * ? *",
    field: "cron hour",
    message: 'cron hour "?" cannot be "?": only day-of-month or day-of-week can',
  },
  {
    name: "a step of 0",
    text: "*/0 12 * * ? *",
    field: "cron minute",
    message: 'cron minute "*/0" has a bad step "0": a step must be a whole number of at least 1',
  },
  {
    name: "an unknown month name",
    text: "0 12 * FOO ? *",
    field: "cron month",
    message: 'cron month "FOO" is not a number or a name; expected 1-12 (JAN-DEC)',
  },
  {
    name: "W in day-of-week",
    text: "0 12 ? * 5W *",
    field: "cron day-of-week",
    message: 'cron day-of-week "5W" cannot use "W": it belongs in day-of-month (e.g. "15W")',
  },
  {
    name: "# in day-of-month",
    text: "0 12 2#1 * ? *",
    field: "cron day-of-month",
    message:
      'cron day-of-month "2#1" cannot use "#": it belongs in day-of-week (e.g. "2#1", the first Monday)',
  },
  {
    name: "a sixth week after #",
    text: "0 12 ? * 2#6 *",
    field: "cron day-of-week",
    message:
      'cron day-of-week "2#6" has week 6 after "#"; it must be 1-5 (e.g. "2#1", the first Monday)',
  },
  {
    name: "L inside a list",
    text: "0 12 1,L * ? *",
    field: "cron day-of-month",
    message:
      'cron day-of-month "1,L" must use "L" and "W" alone: "L" (last day), "LW" (last weekday) or e.g. "15W" (weekday nearest the 15th)',
  },
  {
    name: "a range written backwards",
    text: "50-10 * * * ? *",
    field: "cron minute",
    message:
      'cron minute "50-10" is a range that ends before it starts; write it from the smaller value',
  },
  {
    name: "an empty list item",
    text: "1,,2 * * * ? *",
    field: "cron minute",
    message: 'cron minute "" is not a value, range or step',
  },
];

const unixCases: readonly Case[] = [
  {
    name: "an empty expression",
    text: "",
    field: "cron",
    message:
      "cron expression needs 5 fields (minute hour day-of-month month day-of-week) or a macro (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly), got 0",
  },
  {
    name: "six fields",
    text: "0 0 12 * * *",
    field: "cron",
    message:
      "cron expression needs 5 fields (minute hour day-of-month month day-of-week) or a macro (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly), got 6",
  },
  {
    name: "minute 60",
    text: "60 * * * *",
    field: "cron minute",
    message: 'cron minute "60" is out of range 0-59',
  },
  {
    name: "day-of-week 8",
    text: "0 0 * * 8",
    field: "cron day-of-week",
    message: 'cron day-of-week "8" is out of range 0-7 (SUN-SAT; 0 and 7 are Sunday)',
  },
  {
    name: "day-of-month 0",
    text: "0 0 0 * *",
    field: "cron day-of-month",
    message: 'cron day-of-month "0" is out of range 1-31',
  },
  {
    name: "? in a day field",
    text: "0 0 ? * *",
    field: "cron day-of-month",
    message: 'cron day-of-month "?" cannot be "?" in Unix cron; use "*"',
  },
  {
    name: "a step of 0",
    text: "*/0 * * * *",
    field: "cron minute",
    message: 'cron minute "*/0" has a bad step "0": a step must be a whole number of at least 1',
  },
  {
    name: "a step that is not a number",
    text: "*/x * * * *",
    field: "cron minute",
    message: 'cron minute "*/x" has a bad step "x": a step must be a whole number of at least 1',
  },
  {
    name: "an unknown weekday name",
    text: "0 0 * * fun",
    field: "cron day-of-week",
    message:
      'cron day-of-week "fun" is not a number or a name; expected 0-7 (SUN-SAT; 0 and 7 are Sunday)',
  },
  {
    name: "L, which only AWS cron has",
    text: "0 0 L * *",
    field: "cron day-of-month",
    message:
      'cron day-of-month "L" uses "L", "W" or "#", which only AWS cron(...) expressions have',
  },
  {
    name: "W, which only AWS cron has",
    text: "0 0 15W * *",
    field: "cron day-of-month",
    message:
      'cron day-of-month "15W" uses "L", "W" or "#", which only AWS cron(...) expressions have',
  },
  {
    name: "#, which only AWS cron has",
    text: "0 0 * * 2#1",
    field: "cron day-of-week",
    message:
      'cron day-of-week "2#1" uses "L", "W" or "#", which only AWS cron(...) expressions have',
  },
  {
    name: "@reboot",
    text: "@reboot",
    field: "cron macro",
    message:
      'cron macro "@reboot" runs once when the cron daemon starts, which is not a schedule; use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly',
  },
  {
    name: "an unknown macro",
    text: "@fortnightly",
    field: "cron macro",
    message:
      'cron macro "@fortnightly" is not a cron macro; use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly',
  },
];

describe("invalid cron expressions", () => {
  describe("AWS cron(...) refuses", () => {
    it.each(awsCases)("$name", ({ text, field, message }) => {
      const error = errorOf(() => parseAwsCron(text));
      expect(error.message).toBe(message);
      expect(error.field).toBe(field);
      expect(error.expression).toBe(`cron(${text})`);
    });
  });

  describe("Unix cron refuses", () => {
    it.each(unixCases)("$name", ({ text, field, message }) => {
      const error = errorOf(() => parseUnixCron(text));
      expect(error.message).toBe(message);
      expect(error.field).toBe(field);
      expect(error.expression).toBe(text);
    });
  });

  it("quotes the whole expression the caller passes for an AWS body", () => {
    const error = errorOf(() => parseAwsCron("0 12 ? * 8 *", "cron(0 12 ? * 8 *)"));
    expect(error.expression).toBe("cron(0 12 ? * 8 *)");
  });
});
