import { describe, expect, it } from "vitest";
import { InvalidScheduleError, SchedulerError } from "../../src/errors.js";
import { nextRuns, parseSchedule } from "../../src/scheduling/index.js";

const AFTER = new Date("2026-01-05T09:00:00Z");

describe("invalid schedules are refused with the field and the allowed form", () => {
  it.each([
    [
      "an empty string",
      "",
      {},
      "expression",
      /schedule expression is empty; expected rate\(5 minutes\)/,
    ],
    ["only spaces", "   ", {}, "expression", /is empty/],
    [
      "an unknown time zone",
      "rate(5 minutes)",
      { timezone: "Mars/Olympus" },
      "timezone",
      /time zone "Mars\/Olympus" is not a known IANA time zone name/,
    ],
    [
      "an empty time zone",
      "rate(5 minutes)",
      { timezone: "" },
      "timezone",
      /time zone "" is not a known IANA/,
    ],
    [
      "rate(0 minutes)",
      "rate(0 minutes)",
      {},
      "rate value",
      /^rate value "0" must be a whole number ≥ 1, e.g. rate\(5 minutes\)$/,
    ],
    [
      "a fractional rate",
      "rate(1.5 hours)",
      {},
      "rate value",
      /rate value "1.5" must be a whole number/,
    ],
    [
      "an unknown rate unit",
      "rate(2 weeks)",
      {},
      "rate unit",
      /rate unit "weeks" is not known; allowed: second\(s\), minute\(s\), hour\(s\), day\(s\)/,
    ],
    ["a rate without a unit", "rate(5)", {}, "rate", /must be a value and a unit/],
    [
      "a missing parenthesis",
      "rate(5 minutes",
      {},
      "expression",
      /missing its closing parenthesis/,
    ],
    [
      "an upper-case kind",
      "RATE(5 minutes)",
      {},
      "expression",
      /must be written in lower case: rate\(\.\.\.\)/,
    ],
    [
      "an AWS cron with two `*` day fields",
      "cron(0 12 * * MON-FRI *)",
      {},
      "cron day-of-month",
      /exactly one of day-of-month and day-of-week to be "\?"/,
    ],
    [
      "an AWS cron with two `?`",
      "cron(0 12 ? * ? *)",
      {},
      "cron day-of-month",
      /exactly one of day-of-month and day-of-week/,
    ],
    [
      "an AWS cron day-of-week 8",
      "cron(0 12 ? * 8 *)",
      {},
      "cron day-of-week",
      /^cron day-of-week "8" is out of range 1-7 \(SUN-SAT\)$/,
    ],
    ["a Unix cron with 4 fields", "0 12 * *", {}, "cron", /needs 5 fields/],
    [
      "a 30 February",
      "at(2026-02-30T00:00:00)",
      {},
      "at time",
      /day "30" does not exist in 2026-02 \(it has 28 days\); expected at\(YYYY-MM-DDTHH:MM:SS\)/,
    ],
    [
      "a 29 February in a common year",
      "deadline(2027-02-29T12:00:00)",
      {},
      "deadline time",
      /day "29" does not exist in 2027-02/,
    ],
    ["hour 24", "at(2026-01-05T24:00:00)", {}, "at time", /hour "24" is out of range 00-23/],
    [
      "a date without a time",
      "at(2026-01-05)",
      {},
      "at time",
      /is not a date-time; expected at\(YYYY-MM-DDTHH:MM:SS\)/,
    ],
    [
      "an unknown RRULE part",
      "RRULE:FREQ=DAILY;FOO=1",
      {},
      "RRULE FOO",
      /^RRULE part "FOO" is not known; allowed: FREQ, UNTIL, COUNT, INTERVAL, BYSECOND, BYMINUTE, BYHOUR, BYDAY, BYMONTHDAY, BYYEARDAY, BYWEEKNO, BYMONTH, BYSETPOS, WKST$/,
    ],
    ["an RRULE without FREQ", "RRULE:INTERVAL=2", {}, "RRULE FREQ", /RRULE has no FREQ/],
    [
      "an unknown FREQ",
      "FREQ=FORTNIGHTLY",
      {},
      "RRULE FREQ",
      /RRULE FREQ "FORTNIGHTLY" is not known; allowed: YEARLY/,
    ],
    [
      "BYHOUR 24",
      "FREQ=DAILY;BYHOUR=24",
      {},
      "RRULE BYHOUR",
      /^RRULE BYHOUR "24" is out of range 0-23$/,
    ],
    [
      "BYMONTHDAY 0",
      "FREQ=MONTHLY;BYMONTHDAY=0",
      {},
      "RRULE BYMONTHDAY",
      /BYMONTHDAY "0" is out of range 1-31 or -31--1/,
    ],
    [
      "a bad weekday",
      "FREQ=WEEKLY;BYDAY=XX",
      {},
      "RRULE BYDAY",
      /"XX" is not a weekday; allowed: MO, TU, WE, TH, FR, SA, SU/,
    ],
    [
      "COUNT and UNTIL together",
      "FREQ=DAILY;COUNT=2;UNTIL=20260101T000000Z",
      {},
      "RRULE COUNT",
      /must not both be given/,
    ],
    ["COUNT 0", "FREQ=DAILY;COUNT=0", {}, "RRULE COUNT", /COUNT "0" must be a whole number ≥ 1/],
    [
      "a part given twice",
      "FREQ=DAILY;BYHOUR=1;BYHOUR=2",
      {},
      "RRULE BYHOUR",
      /given more than once/,
    ],
    [
      "BYWEEKNO with FREQ=MONTHLY",
      "FREQ=MONTHLY;BYWEEKNO=1",
      {},
      "RRULE BYWEEKNO",
      /only allowed with FREQ=YEARLY/,
    ],
    [
      "BYYEARDAY with FREQ=DAILY",
      "FREQ=DAILY;BYYEARDAY=1",
      {},
      "RRULE BYYEARDAY",
      /not allowed with FREQ=DAILY/,
    ],
    [
      "BYMONTHDAY with FREQ=WEEKLY",
      "FREQ=WEEKLY;BYMONTHDAY=1",
      {},
      "RRULE BYMONTHDAY",
      /not allowed with FREQ=WEEKLY/,
    ],
    [
      "a numbered BYDAY with FREQ=WEEKLY",
      "FREQ=WEEKLY;BYDAY=1MO",
      {},
      "RRULE BYDAY",
      /only allowed with FREQ=MONTHLY or YEARLY/,
    ],
    [
      "a numbered BYDAY with BYWEEKNO",
      "FREQ=YEARLY;BYWEEKNO=20;BYDAY=1MO",
      {},
      "RRULE BYDAY",
      /not allowed together with BYWEEKNO/,
    ],
    ["BYSETPOS alone", "FREQ=DAILY;BYSETPOS=1", {}, "RRULE BYSETPOS", /needs another BY\* part/],
    [
      "an unknown DTSTART zone",
      "DTSTART;TZID=Nowhere/City:20260105T090000\nRRULE:FREQ=DAILY",
      {},
      "DTSTART TZID",
      /TZID "Nowhere\/City" is not a known IANA/,
    ],
    [
      "a DTSTART on 30 February",
      "DTSTART:20260230T090000\nRRULE:FREQ=DAILY",
      {},
      "DTSTART",
      /day "30" does not exist in 2026-02/,
    ],
    [
      "DTSTART without RRULE",
      "DTSTART:20260105T090000Z",
      {},
      "RRULE",
      /no RRULE \(or RDATE\) line/,
    ],
    [
      "an unknown property",
      "DTSTART:20260105T090000Z\nX-FOO:1\nRRULE:FREQ=DAILY",
      {},
      "rrule",
      /rrule line "X-FOO:1" is not known; allowed: DTSTART, RRULE, RDATE, EXDATE/,
    ],
    [
      "EXRULE",
      "DTSTART:20260105T090000Z\nRRULE:FREQ=DAILY\nEXRULE:FREQ=WEEKLY",
      {},
      "EXRULE",
      /EXRULE is deprecated/,
    ],
    [
      "RDATE periods",
      "RDATE;VALUE=PERIOD:20260105T090000Z/PT1H",
      {},
      "RDATE",
      /VALUE=PERIOD is not supported/,
    ],
    [
      "prose",
      "every 5 minutes",
      {},
      "expression",
      /is not a known form; expected rate\(5 minutes\)/,
    ],
  ])("%s", (_, expression, options, field, message) => {
    const attempt = () => parseSchedule(expression, options);
    expect(attempt).toThrow(InvalidScheduleError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect(error).toBeInstanceOf(SchedulerError);
      expect((error as InvalidScheduleError).field).toBe(field);
      expect((error as InvalidScheduleError).name).toBe("InvalidScheduleError");
    }
  });

  it.each([0, -1, 1.5, Number.NaN, 100_001])("refuses count %s in nextRuns", (count) => {
    expect(() => nextRuns("rate(5 minutes)", { after: AFTER, count })).toThrow(
      /^count ".*" must be a whole number from 1 to 100000$/,
    );
  });

  it("refuses an invalid Date for after and start", () => {
    expect(() => nextRuns("rate(5 minutes)", { after: new Date("soon"), count: 1 })).toThrow(
      /^after must be a valid Date/,
    );
    expect(() =>
      nextRuns("rate(5 minutes)", { after: AFTER, start: new Date("x"), count: 1 }),
    ).toThrow(/^start must be a valid Date/);
  });

  it("refuses an unknown time zone in nextRuns", () => {
    expect(() =>
      nextRuns("0 12 * * *", { after: AFTER, count: 1, timezone: "Europe/Atlantis" }),
    ).toThrow(InvalidScheduleError);
  });
});
