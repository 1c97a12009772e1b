import { beforeEach, describe, expect, it, vi } from "vitest";
import * as cron from "../../src/scheduling/cron/index.js";
import { parseSchedule, previousRun } from "../../src/scheduling/index.js";
import * as rrule from "../../src/scheduling/rrule/next.js";

// Counts the nextRun steps of the backward search (the real functions still answer).
vi.mock("../../src/scheduling/cron/index.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/scheduling/cron/index.js")>();
  return { ...real, nextCronRun: vi.fn(real.nextCronRun) };
});
vi.mock("../../src/scheduling/rrule/next.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/scheduling/rrule/next.js")>();
  return { ...real, nextRRuleRun: vi.fn(real.nextRRuleRun) };
});

function searchSteps(): number {
  return (
    vi.mocked(cron.nextCronRun).mock.calls.length + vi.mocked(rrule.nextRRuleRun).mock.calls.length
  );
}

beforeEach(() => {
  vi.mocked(cron.nextCronRun).mockClear();
  vi.mocked(rrule.nextRRuleRun).mockClear();
});

const at = (iso: string) => new Date(iso);

describe("previousRun", () => {
  it.each([
    [
      "a weekday cron in Berlin",
      "cron(0 12 ? * MON-FRI *)",
      "Europe/Berlin",
      "2026-01-10T10:00:00Z",
      "2026-01-09T11:00:00.000Z",
    ],
    [
      "a Unix cron every 15 minutes",
      "*/15 * * * *",
      "UTC",
      "2026-01-10T10:14:59Z",
      "2026-01-10T10:00:00.000Z",
    ],
    [
      "an instant that is itself an occurrence",
      "0 10 * * *",
      "UTC",
      "2026-01-10T10:00:00Z",
      "2026-01-10T10:00:00.000Z",
    ],
    [
      "a cron whose only year is long past",
      "cron(0 12 1 1 ? 2020)",
      "UTC",
      "2026-02-04T00:00:00Z",
      "2020-01-01T12:00:00.000Z",
    ],
    [
      "a yearly cron a year later",
      "0 0 29 2 *",
      "UTC",
      "2027-03-01T00:00:00Z",
      "2024-02-29T00:00:00.000Z",
    ],
    [
      "an rrule with its own DTSTART",
      "DTSTART;TZID=Europe/Berlin:20200106T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE",
      "UTC",
      "2026-02-04T00:00:00Z",
      "2026-02-02T08:00:00.000Z",
    ],
    [
      "an RDATE before the rule's DTSTART",
      "DTSTART:20260105T090000Z\nRRULE:FREQ=DAILY\nRDATE:20251224T180000Z",
      "UTC",
      "2026-01-01T00:00:00Z",
      "2025-12-24T18:00:00.000Z",
    ],
  ])("finds the latest run of %s", (_, expression, timezone, moment, expected) => {
    const schedule = parseSchedule(expression, { timezone });
    expect(previousRun(schedule, at(moment))?.toISOString()).toBe(expected);
  });

  it("finds the latest run of a minutely cron after a year of downtime in a few dozen steps", () => {
    const schedule = parseSchedule("* * * * *");
    expect(previousRun(schedule, at("2027-01-10T10:00:30Z"))?.toISOString()).toBe(
      "2027-01-10T10:00:00.000Z",
    );
    expect(searchSteps()).toBeLessThanOrEqual(24);
  });

  it("finds the latest of many missed occurrences without walking them (every second of a day, a year ago)", () => {
    const schedule = parseSchedule(
      "DTSTART:20250101T000000Z\nRRULE:FREQ=SECONDLY;UNTIL=20250102T000000Z",
    );
    expect(previousRun(schedule, at("2026-01-10T00:00:00Z"))?.toISOString()).toBe(
      "2025-01-02T00:00:00.000Z",
    );
    // O(log gap) nextRun steps; walking would take one per second of the day: 86,400.
    expect(searchSteps()).toBeLessThanOrEqual(150);
  });

  it("counts only runs after `notBefore`", () => {
    const schedule = parseSchedule("0 12 * * *");
    expect(
      previousRun(schedule, at("2026-01-10T13:00:00Z"), { notBefore: at("2026-01-10T12:00:00Z") }),
    ).toBeUndefined();
    expect(
      previousRun(schedule, at("2026-01-10T13:00:00Z"), {
        notBefore: at("2026-01-10T11:59:59Z"),
      })?.toISOString(),
    ).toBe("2026-01-10T12:00:00.000Z");
  });

  it("has nothing before a schedule's first run", () => {
    expect(
      previousRun(parseSchedule("cron(0 12 1 1 ? 2030)"), at("2026-01-01T00:00:00Z")),
    ).toBeUndefined();
    const rule = parseSchedule("DTSTART:20260105T090000Z\nRRULE:FREQ=DAILY");
    expect(previousRun(rule, at("2026-01-05T08:59:59Z"))).toBeUndefined();
    expect(
      previousRun(parseSchedule("at(2026-12-01T10:00:00)"), at("2026-11-30T00:00:00Z")),
    ).toBeUndefined();
  });

  it("needs a start for an rrule without DTSTART", () => {
    const schedule = parseSchedule("FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0");
    expect(previousRun(schedule, at("2026-01-10T10:00:00Z"))).toBeUndefined();
    expect(
      previousRun(schedule, at("2026-01-10T10:00:00Z"), {
        start: at("2026-01-01T00:00:00Z"),
      })?.toISOString(),
    ).toBe("2026-01-10T09:00:00.000Z");
  });
});
