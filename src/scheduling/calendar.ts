/**
 * Proleptic Gregorian calendar arithmetic on plain numbers, for the schedule kinds that reason
 * in local wall time (cron, at, deadline, rrule). Days are counted from 1970-01-01 (day 0); a
 * wall time is milliseconds on the same axis (see zone.ts), so `day = floor(wall / DAY)`.
 *
 * Integer formulas (rather than `Date` objects) keep the cron and rrule searches, which run
 * them for every candidate month or day, allocation-free, and make the process time zone
 * irrelevant by construction. (`Date.UTC` also reads years 0-99 as 1900-1999.)
 */

/** A second in milliseconds. */
export const SECOND = 1_000;
/** A minute in milliseconds. */
export const MINUTE = 60_000;
/** An hour in milliseconds. */
export const HOUR = 3_600_000;
/** A day of wall time in milliseconds (wall days are always 24 hours long). */
export const DAY = 86_400_000;

/** English month names, January first: `MONTH_NAMES_EN[month - 1]`. */
export const MONTH_NAMES_EN = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

/** English weekday names in {@link weekdayOf} order, Monday first. */
export const WEEKDAY_NAMES_EN = [
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
  "Sunday",
] as const;

/** A calendar date: year, month 1-12, day 1-31. */
export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Whether `year` has a 29 February. */
function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in `month` (1-12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days in `year`: 365 or 366. */
export function daysInYear(year: number): number {
  return isLeapYear(year) ? 366 : 365;
}

/** The day number (days since 1970-01-01) of a calendar date. */
export function dayNumber(year: number, month: number, day: number): number {
  // Years counted from March, so the leap day is the last day of its "year" (era arithmetic).
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100);
  return era * 146_097 + dayOfEra + dayOfYear - 719_468;
}

/** The calendar date of a day number (the inverse of {@link dayNumber}). */
export function civilDate(dayNum: number): CivilDate {
  const z = dayNum + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Weekday of a day number, 0 = Monday … 6 = Sunday (RFC 5545 order, MO first). */
export function weekdayOf(dayNum: number): number {
  // 1970-01-01 was a Thursday (3).
  return (((dayNum + 3) % 7) + 7) % 7;
}

/**
 * Weekday of a day number, 0 = Sunday … 6 = Saturday: cron's order, and `Date#getUTCDay`'s.
 */
export function sundayWeekdayOf(dayNum: number): number {
  // 1970-01-01 was a Thursday (4).
  return (((dayNum + 4) % 7) + 7) % 7;
}

/** Floors `n` to a multiple of `unit` (also for negative `n`). */
export function floorTo(n: number, unit: number): number {
  return Math.floor(n / unit) * unit;
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** Formats a wall time as `YYYY-MM-DDTHH:MM:SS` (seconds always shown). */
export function formatWallTime(wallMs: number): string {
  const dayNum = Math.floor(wallMs / DAY);
  const { year, month, day } = civilDate(dayNum);
  const ms = wallMs - dayNum * DAY;
  const time = `${pad2(Math.floor(ms / HOUR))}:${pad2(Math.floor(ms / MINUTE) % 60)}:${pad2(Math.floor(ms / SECOND) % 60)}`;
  return `${String(year).padStart(4, "0")}-${pad2(month)}-${pad2(day)}T${time}`;
}

/** A wall time's date as `YYYY-MM-DD` and time as `HH:MM` (or `HH:MM:SS` when seconds ≠ 0). */
export function formatWallTimeShort(wallMs: number): { date: string; time: string } {
  const full = formatWallTime(wallMs);
  const time = full.slice(11);
  return { date: full.slice(0, 10), time: time.endsWith(":00") ? time.slice(0, 5) : time };
}

/** The wall time of a calendar date and time of day. */
export function wallTime(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): number {
  return dayNumber(year, month, day) * DAY + hour * HOUR + minute * MINUTE + second * SECOND;
}

/** Why a date-time's fields are out of range, or `undefined` when they are all valid. */
export function dateTimeFieldError(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): string | undefined {
  if (year < 1970 || year > 9999) return `year "${year}" is out of range 1970-9999`;
  if (month < 1 || month > 12) return `month "${pad2(month)}" is out of range 01-12`;
  const length = daysInMonth(year, month);
  if (day < 1 || day > length) {
    return `day "${pad2(day)}" does not exist in ${year}-${pad2(month)} (it has ${length} days)`;
  }
  if (hour > 23) return `hour "${pad2(hour)}" is out of range 00-23`;
  if (minute > 59) return `minute "${pad2(minute)}" is out of range 00-59`;
  if (second > 59) return `second "${pad2(second)}" is out of range 00-59`;
  return undefined;
}
