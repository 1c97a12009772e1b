import { describe, expect, it, vi } from "vitest";
import { INSTANT_RANGE, isOneShot, nextRun, parseSchedule } from "../../src/scheduling/index.js";
import * as days from "../../src/scheduling/rrule/recurrence-days.js";
import { runs } from "./support.js";

// Counts the days the expansion visits (the real function still answers).
vi.mock("../../src/scheduling/rrule/recurrence-days.js", async (importOriginal) => {
  const real =
    await importOriginal<typeof import("../../src/scheduling/rrule/recurrence-days.js")>();
  return { ...real, dayMatches: vi.fn(real.dayMatches) };
});

/** Days visited while finding the first `count` runs of `expression` after `after`. */
function daysVisited(expression: string, after: string, count: number): number {
  vi.mocked(days.dayMatches).mockClear();
  runs(expression, { after, count });
  return vi.mocked(days.dayMatches).mock.calls.length;
}

describe("rrule text forms and rule parts", () => {
  it.each([
    {
      name: "monthly on the last day (BYMONTHDAY=-1), through a leap February",
      text: "DTSTART:20280131T120000Z\nRRULE:FREQ=MONTHLY;BYMONTHDAY=-1",
      after: "2028-01-01T00:00:00Z",
      expected: [
        "2028-01-31T12:00:00.000Z",
        "2028-02-29T12:00:00.000Z",
        "2028-03-31T12:00:00.000Z",
        "2028-04-30T12:00:00.000Z",
      ],
    },
    {
      name: "the last weekday of the month (BYSETPOS=-1)",
      text: "DTSTART:20260101T170000Z\nRRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
      after: "2026-01-01T00:00:00Z",
      expected: [
        "2026-01-30T17:00:00.000Z",
        "2026-02-27T17:00:00.000Z",
        "2026-03-31T17:00:00.000Z",
        "2026-04-30T17:00:00.000Z",
      ],
    },
    {
      name: "yearly in ISO week 1, which can begin in the previous December",
      text: "DTSTART:20240101T080000Z\nRRULE:FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO",
      after: "2024-01-01T00:00:00Z",
      expected: [
        "2024-01-01T08:00:00.000Z",
        "2024-12-30T08:00:00.000Z",
        "2025-12-29T08:00:00.000Z",
        "2027-01-04T08:00:00.000Z",
      ],
    },
    {
      name: "yearly in the last ISO week (BYWEEKNO=-1), 53 weeks in 2026",
      text: "DTSTART:20260101T080000Z\nRRULE:FREQ=YEARLY;BYWEEKNO=-1;BYDAY=FR",
      after: "2026-01-01T00:00:00Z",
      expected: [
        "2027-01-01T08:00:00.000Z",
        "2027-12-31T08:00:00.000Z",
        "2028-12-29T08:00:00.000Z",
      ],
    },
    {
      name: "COUNT ends the rule, and EXDATE removes without giving the count back",
      text: "DTSTART:20260105T090000Z\nRRULE:FREQ=DAILY;COUNT=4\nEXDATE:20260106T090000Z",
      after: "2026-01-01T00:00:00Z",
      expected: [
        "2026-01-05T09:00:00.000Z",
        "2026-01-07T09:00:00.000Z",
        "2026-01-08T09:00:00.000Z",
      ],
    },
    {
      name: "UNTIL is inclusive",
      text: "DTSTART:20260105T090000Z\nRRULE:FREQ=DAILY;UNTIL=20260107T090000Z",
      after: "2026-01-01T00:00:00Z",
      expected: [
        "2026-01-05T09:00:00.000Z",
        "2026-01-06T09:00:00.000Z",
        "2026-01-07T09:00:00.000Z",
      ],
    },
    {
      name: "a date-only UNTIL includes that whole day",
      text: "DTSTART;TZID=Europe/Berlin:20260105T230000\nRRULE:FREQ=DAILY;UNTIL=20260106",
      after: "2026-01-01T00:00:00Z",
      expected: ["2026-01-05T22:00:00.000Z", "2026-01-06T22:00:00.000Z"],
    },
    {
      name: "RDATE adds instants (in any zone) and EXDATE takes them out again",
      text: [
        "DTSTART;TZID=Europe/Berlin:20260105T090000",
        "RRULE:FREQ=WEEKLY;COUNT=2",
        "RDATE:20260107T120000Z,20260108T120000Z",
        "RDATE;TZID=America/New_York:20260109T080000",
        "EXDATE:20260108T120000Z",
      ].join("\n"),
      after: "2026-01-01T00:00:00Z",
      expected: [
        "2026-01-05T08:00:00.000Z",
        "2026-01-07T12:00:00.000Z",
        "2026-01-09T13:00:00.000Z",
        "2026-01-12T08:00:00.000Z",
      ],
    },
    {
      name: "EXDATE;VALUE=DATE removes every occurrence of that local day",
      text: "DTSTART;TZID=Europe/Berlin:20260105T090000\nRRULE:FREQ=DAILY;BYHOUR=9,17;COUNT=6\nEXDATE;VALUE=DATE:20260106",
      after: "2026-01-01T00:00:00Z",
      expected: [
        "2026-01-05T08:00:00.000Z",
        "2026-01-05T16:00:00.000Z",
        "2026-01-07T08:00:00.000Z",
        "2026-01-07T16:00:00.000Z",
      ],
    },
    {
      name: "RDATE alone is a list of instants",
      text: "RDATE:20260110T100000Z,20260105T100000Z",
      after: "2026-01-01T00:00:00Z",
      expected: ["2026-01-05T10:00:00.000Z", "2026-01-10T10:00:00.000Z"],
    },
    {
      name: "DTSTART;VALUE=DATE starts at local midnight",
      text: "DTSTART;VALUE=DATE:20260105\nRRULE:FREQ=DAILY;COUNT=2",
      after: "2026-01-01T00:00:00Z",
      expected: ["2026-01-05T00:00:00.000Z", "2026-01-06T00:00:00.000Z"],
    },
    {
      name: "a floating UNTIL is a local time",
      text: "DTSTART:20260105T090000\nRRULE:FREQ=DAILY;UNTIL=20260106T090000",
      after: "2026-01-01T00:00:00Z",
      expected: ["2026-01-05T09:00:00.000Z", "2026-01-06T09:00:00.000Z"],
    },
    {
      name: "one line with spaces, and a literal \\n, read like separate lines",
      text: "DTSTART;TZID=Europe/Berlin:20260105T090000 RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4\\nEXDATE;TZID=Europe/Berlin:20260107T090000",
      after: "2026-01-01T00:00:00Z",
      expected: [
        "2026-01-05T08:00:00.000Z",
        "2026-01-12T08:00:00.000Z",
        "2026-01-14T08:00:00.000Z",
      ],
    },
    {
      name: "part names and values are case-insensitive",
      text: "dtstart:20260105T090000Z\nrrule:freq=weekly;byday=mo;count=2",
      after: "2026-01-01T00:00:00Z",
      expected: ["2026-01-05T09:00:00.000Z", "2026-01-12T09:00:00.000Z"],
    },
  ])("$name", ({ text, after, expected }) => {
    // Rules with an end are asked for more than they have; endless ones for what is listed.
    const ends = /COUNT|UNTIL/.test(text) || !text.includes("RRULE");
    expect(runs(text, { after, count: expected.length + (ends ? 2 : 0) })).toEqual(expected);
  });

  it("starts a rule without DTSTART at `start`, defaulting to `after`", () => {
    const rule = "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0";
    expect(runs(rule, { after: "2026-01-05T10:00:00Z", count: 2 })).toEqual([
      "2026-01-06T09:00:00.000Z",
      "2026-01-07T09:00:00.000Z",
    ]);
    expect(
      runs(`RRULE:${rule};COUNT=2`, {
        after: "2026-01-05T10:00:00Z",
        start: "2026-01-01T00:00:00Z",
        count: 5,
      }),
    ).toEqual([]);
    expect(
      runs("RRULE:FREQ=HOURLY;INTERVAL=6", {
        after: "2026-01-05T10:00:00Z",
        start: "2026-01-05T01:30:00Z",
        count: 2,
      }),
    ).toEqual(["2026-01-05T13:30:00.000Z", "2026-01-05T19:30:00.000Z"]);
  });

  it("finds the first run from just before the supported range, and none after its end", () => {
    const beginning = new Date(INSTANT_RANGE.min - 1);
    const rule = parseSchedule("DTSTART;TZID=Europe/Berlin:20260105T090000\nRRULE:FREQ=DAILY");
    expect(nextRun(rule, beginning)?.toISOString()).toBe("2026-01-05T08:00:00.000Z");
    const cron = parseSchedule("0 12 * * *");
    expect(nextRun(cron, new Date(INSTANT_RANGE.max))).toBeUndefined();
  });

  it("reads DTSTART's own zone: TZID, or UTC for a trailing Z", () => {
    expect(
      parseSchedule("DTSTART;TZID=Asia/Tokyo:20260105T090000\nRRULE:FREQ=DAILY").timezone,
    ).toBe("Asia/Tokyo");
    expect(
      parseSchedule("DTSTART:20260105T090000Z\nRRULE:FREQ=DAILY", { timezone: "Asia/Tokyo" })
        .timezone,
    ).toBe("UTC");
    expect(
      parseSchedule("DTSTART:20260105T090000\nRRULE:FREQ=DAILY", { timezone: "Asia/Tokyo" })
        .timezone,
    ).toBe("Asia/Tokyo");
  });

  it("knows which rules fire at most once", () => {
    expect(isOneShot(parseSchedule("DTSTART:20260105T090000Z\nRRULE:FREQ=DAILY;COUNT=1"))).toBe(
      true,
    );
    expect(isOneShot(parseSchedule("RDATE:20260105T090000Z"))).toBe(true);
    expect(isOneShot(parseSchedule("DTSTART:20260105T090000Z\nRRULE:FREQ=DAILY;COUNT=2"))).toBe(
      false,
    );
  });

  it("ends a rule that can never match instead of searching forever", () => {
    expect(
      runs("DTSTART:20260105T090000Z\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", {
        after: "2026-01-01T00:00:00Z",
      }),
    ).toEqual([]);
    expect(
      runs("DTSTART:20260105T090000Z\nRRULE:FREQ=MINUTELY;INTERVAL=2;BYMINUTE=1", {
        after: "2026-01-01T00:00:00Z",
      }),
    ).toEqual([]);
  });

  it("costs the same for a rule that began long ago as for a new one", () => {
    const schedule = parseSchedule("DTSTART:20000101T000000Z\nRRULE:FREQ=SECONDLY;INTERVAL=7");
    const next = runs(schedule.expression, { after: "2026-06-01T00:00:00Z", count: 2 });
    const old = daysVisited(schedule.expression, "2026-06-01T00:00:00Z", 2);
    const fresh = daysVisited(
      "DTSTART:20260531T000000Z\nRRULE:FREQ=SECONDLY;INTERVAL=7",
      "2026-06-01T00:00:00Z",
      2,
    );
    // Walking from DTSTART would visit every day since 2000 (about 9,600).
    expect(old).toBe(fresh);
    // 2026-06-01T00:00:00Z is 833,587,200 s after DTSTART, 5 s past a multiple of 7.
    expect(next).toEqual(["2026-06-01T00:00:02.000Z", "2026-06-01T00:00:09.000Z"]);
  });
});
