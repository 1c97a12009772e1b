/**
 * Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01), done with
 * integers rather than `Date` objects because the cron search runs it for every candidate
 * month and must not allocate. (`Date.UTC` also reads years 0-99 as 1900-1999.)
 */

/** Days in a 400-year Gregorian cycle, after which weekdays and leap years repeat. */
const DAYS_PER_CYCLE = 146_097;
/** Day number of 0000-03-01: counting years from March puts the leap day at the year's end. */
const MARCH_FIRST_YEAR_0 = -719_468;

/** The day number of `year`-`month`-`day` (month 1-12). */
export function dayNumber(year: number, month: number, day: number): number {
  const marchYear = month <= 2 ? year - 1 : year;
  const cycle = Math.floor(marchYear / 400);
  const yearOfCycle = marchYear - cycle * 400;
  const monthFromMarch = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfCycle =
    yearOfCycle * 365 + Math.floor(yearOfCycle / 4) - Math.floor(yearOfCycle / 100) + dayOfYear;
  return cycle * DAYS_PER_CYCLE + dayOfCycle + MARCH_FIRST_YEAR_0;
}

/** A calendar date. */
export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** The calendar date of a day number (the inverse of {@link dayNumber}). */
export function civilDate(dayNumberValue: number): CivilDate {
  const days = dayNumberValue - MARCH_FIRST_YEAR_0;
  const cycle = Math.floor(days / DAYS_PER_CYCLE);
  const dayOfCycle = days - cycle * DAYS_PER_CYCLE;
  const yearOfCycle = Math.floor(
    (dayOfCycle -
      Math.floor(dayOfCycle / 1460) +
      Math.floor(dayOfCycle / 36_524) -
      Math.floor(dayOfCycle / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfCycle - (365 * yearOfCycle + Math.floor(yearOfCycle / 4) - Math.floor(yearOfCycle / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfCycle + cycle * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** The weekday of a day number: 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(dayNumberValue: number): number {
  return (((dayNumberValue + 4) % 7) + 7) % 7;
}

/** Whether `year` has a 29 February. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** The number of days in `month` (1-12) of `year`. */
export function monthLength(year: number, month: number): number {
  if (month === 2 && isLeapYear(year)) return 29;
  return MONTH_LENGTHS[month - 1] ?? 31;
}
