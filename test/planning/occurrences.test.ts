import { describe, expect, it } from "vitest";
import { firstOccurrence, scheduleOf } from "../../src/planning/index.js";
import { iso, ms, scheduleRecord } from "./factories.js";

const CREATED = "2026-01-05T10:17:42.500Z";

describe("the first occurrence of a new schedule", () => {
  const cases: {
    name: string;
    overrides: Parameters<typeof scheduleRecord>[0];
    expected: string | undefined;
  }[] = [
    {
      name: "is at creation, to the whole second, for a recurring schedule that runs at once",
      overrides: { expression: "rate(1 hour)" },
      expected: "2026-01-05T10:17:42.000Z",
    },
    {
      name: "is at startAt when that is later, even when it runs at once",
      overrides: { expression: "rate(1 hour)", startAt: ms("2026-01-06T08:00:00Z") },
      expected: "2026-01-06T08:00:00.000Z",
    },
    {
      name: "is one interval after creation for a rate that waits for its schedule",
      overrides: { expression: "rate(1 hour)", firstRun: "scheduled" },
      expected: "2026-01-05T11:17:42.000Z",
    },
    {
      name: "is the next cron time for a cron schedule that waits for its schedule",
      overrides: { expression: "0 * * * *", firstRun: "scheduled" },
      expected: "2026-01-05T11:00:00.000Z",
    },
    {
      name: "is startAt itself for a rate anchored there that waits for its schedule",
      overrides: {
        expression: "rate(1 hour)",
        firstRun: "scheduled",
        startAt: ms("2026-01-06T08:00:00Z"),
      },
      expected: "2026-01-06T08:00:00.000Z",
    },
    {
      name: "is the instant of an at schedule, whatever firstRun says",
      overrides: { expression: "at(2026-02-01T09:30:00)", firstRun: "immediate" },
      expected: "2026-02-01T09:30:00.000Z",
    },
    {
      name: "is the instant of an at schedule read in its time zone",
      overrides: { expression: "at(2026-02-01T09:30:00)", timezone: "Europe/Berlin" },
      expected: "2026-02-01T08:30:00.000Z",
    },
    {
      name: "is as soon as possible for a deadline schedule without a start",
      overrides: { expression: "deadline(2026-02-01T00:00:00)" },
      expected: "2026-01-05T10:17:42.000Z",
    },
    {
      name: "is the start of a deadline schedule given one",
      overrides: {
        expression: "deadline(2026-02-01T00:00:00)",
        startAt: ms("2026-01-20T00:00:00Z"),
      },
      expected: "2026-01-20T00:00:00.000Z",
    },
    {
      name: "is at creation for a deadline schedule whose start has passed",
      overrides: {
        expression: "deadline(2026-02-01T00:00:00)",
        startAt: ms("2026-01-01T00:00:00Z"),
      },
      expected: "2026-01-05T10:17:42.000Z",
    },
    {
      name: "does not exist for a deadline already past",
      overrides: { expression: "deadline(2026-01-01T00:00:00)" },
      expected: undefined,
    },
    {
      name: "is one interval after creation for an rrule without DTSTART that waits for its schedule",
      overrides: { expression: "RRULE:FREQ=HOURLY", firstRun: "scheduled" },
      expected: "2026-01-05T11:17:42.000Z",
    },
    {
      name: "is the first instance after creation for an rrule with DTSTART",
      overrides: {
        expression: "DTSTART;TZID=Europe/Berlin:20260105T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE",
        firstRun: "scheduled",
      },
      expected: "2026-01-07T08:00:00.000Z",
    },
    {
      name: "does not exist when the end comes before it",
      overrides: {
        expression: "0 0 1 * *",
        firstRun: "scheduled",
        endAt: ms("2026-01-20T00:00:00Z"),
      },
      expected: undefined,
    },
  ];
  it.each(cases)("$name", ({ overrides, expected }) => {
    const record = scheduleRecord({ createdAt: ms(CREATED), ...overrides });
    expect(iso(firstOccurrence(record, scheduleOf(record)))).toBe(expected);
  });
});
