/**
 * The day level of RFC 5545 expansion: which days of a period pass BYMONTH, BYWEEKNO,
 * BYYEARDAY, BYMONTHDAY and BYDAY (numbered entries counted within the month, or the year for
 * a YEARLY rule without BYMONTH), and where periods and ISO-style weeks begin.
 */
import { civilDate, dayNumber, daysInMonth, daysInYear, weekdayOf } from "../calendar.js";
import type { CompiledRule } from "./recurrence-compile.js";

/** Whether position `pos` of `length` (1-based) is the nth, counting from the end when n < 0. */
function isNth(pos: number, length: number, nth: number): boolean {
  return nth > 0
    ? Math.floor((pos - 1) / 7) + 1 === nth
    : Math.floor((length - pos) / 7) + 1 === -nth;
}

/** Whether a day passes BYMONTH, BYYEARDAY, BYMONTHDAY and BYDAY. */
export function dayMatches(r: CompiledRule, day: number): boolean {
  const { year, month, day: dom } = civilDate(day);
  if (r.months && !r.months[month]) return false;
  const monthLength = daysInMonth(year, month);
  if (r.monthDays && !r.monthDays[dom + 31] && !r.monthDays[dom - monthLength - 1 + 31]) {
    return false;
  }
  const yearLength = daysInYear(year);
  const yday = day - dayNumber(year, 1, 1) + 1;
  if (r.yearDays && !r.yearDays[yday + 366] && !r.yearDays[yday - yearLength - 1 + 366]) {
    return false;
  }
  if (r.weekdays === null) return true;
  const weekday = weekdayOf(day);
  if (r.weekdays[weekday]) return true;
  return r.nthWeekdays.some(
    (d) =>
      d.weekday === weekday &&
      (r.nthInYear ? isNth(yday, yearLength, d.nth) : isNth(dom, monthLength, d.nth)),
  );
}

/** First day of week 1 of `year`: the week (starting on `wkst`) holding 4 January. */
export function firstWeekStart(year: number, wkst: number): number {
  const jan4 = dayNumber(year, 1, 4);
  return jan4 - ((weekdayOf(jan4) - wkst + 7) % 7);
}

/** A day number whose weekday is `wkst`: WEEKLY periods are counted from it. */
export const weekEpoch = (wkst: number): number => wkst - 3;

/**
 * The first day of a (day-or-longer) period, and its days as [first, end) ranges, leaving out
 * months BYMONTH rules out (a year keeps only its BYMONTHs).
 */
function periodRanges(r: CompiledRule, p: number): { first: number; ranges: [number, number][] } {
  switch (r.freq) {
    case "YEARLY": {
      if (r.weekNos !== null) {
        const first = firstWeekStart(p, r.wkst);
        return { first, ranges: [[first, firstWeekStart(p + 1, r.wkst)]] };
      }
      const ranges: [number, number][] = [];
      for (let month = 1; month <= 12; month++) {
        if (r.months && !r.months[month]) continue;
        const first = dayNumber(p, month, 1);
        ranges.push([first, first + daysInMonth(p, month)]);
      }
      return { first: dayNumber(p, 1, 1), ranges };
    }
    case "MONTHLY": {
      const year = Math.floor(p / 12);
      const month = p - year * 12 + 1;
      const first = dayNumber(year, month, 1);
      const skip = r.months !== null && !r.months[month];
      return { first, ranges: skip ? [] : [[first, first + daysInMonth(year, month)]] };
    }
    case "WEEKLY": {
      const first = weekEpoch(r.wkst) + p * 7;
      return { first, ranges: [[first, first + 7]] };
    }
    default:
      return { first: p, ranges: [[p, p + 1]] };
  }
}

/** The candidate days of a (day-or-longer) period, ascending, and the period's first day. */
export function periodDays(r: CompiledRule, p: number): { first: number; days: number[] } {
  const { first, ranges } = periodRanges(r, p);
  const days: number[] = [];
  const [yearStart = 0, yearEnd = 0] = r.weekNos === null ? [] : (ranges[0] ?? []);
  const weeks = (yearEnd - yearStart) / 7;
  for (const [rangeStart, end] of ranges) {
    for (let day = rangeStart; day < end; day++) {
      if (r.weekNos !== null) {
        const week = Math.floor((day - yearStart) / 7) + 1;
        if (!r.weekNos[week + 53] && !r.weekNos[week - weeks - 1 + 53]) continue;
      }
      if (dayMatches(r, day)) days.push(day);
    }
  }
  return { first, days };
}

/** First day of the first month after `day`'s that BYMONTH allows. */
export function nextAllowedMonth(months: Uint8Array, day: number): number {
  const { year, month } = civilDate(day);
  for (let i = 1; i < 12; i++) {
    const m = ((month - 1 + i) % 12) + 1;
    if (months[m]) return dayNumber(year + Math.floor((month - 1 + i) / 12), m, 1);
  }
  return dayNumber(year + 1, month, 1);
}
