import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  civilDate,
  DAY,
  dayNumber,
  daysInMonth,
  sundayWeekdayOf,
  weekdayOf,
} from "../../src/scheduling/calendar.js";

/** The day number of a date according to `Date` (with setUTCFullYear, which reads years 0-99 literally). */
function dateDayNumber(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime() / DAY;
}

const dates = fc
  .record({
    year: fc.integer({ min: -2000, max: 4000 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
  })
  .filter(
    ({ year, month, day }) =>
      dateDayNumber(year, month + 1, 1) - dateDayNumber(year, month, 1) >= day,
  );

describe("calendar arithmetic", () => {
  it("numbers days as Date does, in any year", () => {
    fc.assert(
      fc.property(dates, ({ year, month, day }) => {
        expect(dayNumber(year, month, day)).toBe(dateDayNumber(year, month, day));
      }),
    );
  });

  it("turns day numbers back into the same dates", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_500_000, max: 1_500_000 }), (days) => {
        const date = new Date(days * DAY);
        expect(civilDate(days)).toEqual({
          year: date.getUTCFullYear(),
          month: date.getUTCMonth() + 1,
          day: date.getUTCDate(),
        });
        expect(sundayWeekdayOf(days)).toBe(date.getUTCDay());
        expect(weekdayOf(days)).toBe((date.getUTCDay() + 6) % 7);
      }),
    );
  });

  it.each([
    [2024, 2, 29],
    [2026, 2, 28],
    [2100, 2, 28],
    [2000, 2, 29],
    [2026, 4, 30],
    [2026, 12, 31],
  ])("gives %i-%i %i days", (year, month, length) => {
    expect(daysInMonth(year, month)).toBe(length);
  });

  it("knows 1970-01-01 was a Thursday", () => {
    expect(sundayWeekdayOf(0)).toBe(4);
    expect(weekdayOf(0)).toBe(3);
  });
});
