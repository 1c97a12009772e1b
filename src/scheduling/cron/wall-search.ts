/**
 * Searching the wall calendar (no time zone) for the next minute a cron expression matches.
 * The search skips by field, coarsest first (year, month, day, hour, minute), so its cost
 * depends on how many fields have to roll over, not on how far away the match is.
 *
 * Days are handled a month at a time as a bit mask (bit `d - 1` set when day `d` matches),
 * which turns weekday rules, `L`, `W` and `#` into a few integer operations per month.
 */
import { civilDate, dayNumber, daysInMonth, MINUTE, sundayWeekdayOf } from "../calendar.js";
import type { CronSpec, DayOfMonthRule, DayOfWeekRule } from "./spec.js";

const MINUTES_PER_DAY = 1_440;

/** Day-bit masks: every day of a month of `length` days. */
function daysUpTo(length: number): number {
  return 0x7fffffff >>> (31 - length);
}

/** A month as the day rules need it: its length and the weekday of its first day. */
type MonthMask = (length: number, firstWeekday: number) => number;

function dayOfMonthMask(rule: DayOfMonthRule): MonthMask {
  switch (rule.kind) {
    case "days": {
      const bits = rule.days.reduce((mask, day) => mask | (1 << (day - 1)), 0);
      return (length) => bits & daysUpTo(length);
    }
    case "last":
      return (length) => 1 << (length - 1);
    case "lastWeekday":
      return (length, first) => {
        const weekday = (first + length - 1) % 7;
        const day = weekday === 6 ? length - 1 : weekday === 0 ? length - 2 : length;
        return 1 << (day - 1);
      };
    case "nearestWeekday": {
      const target = rule.day;
      return (length, first) => {
        // Like a plain day, a day the month does not have never matches.
        if (target > length) return 0;
        const weekday = (first + target - 1) % 7;
        let day = target;
        // Saturday moves back to Friday and Sunday on to Monday, unless that leaves the month.
        if (weekday === 6) day = target === 1 ? 3 : target - 1;
        else if (weekday === 0) day = target === length ? target - 2 : target + 1;
        return 1 << (day - 1);
      };
    }
    default: {
      const unreachable: never = rule;
      return unreachable;
    }
  }
}

function dayOfWeekMask(rule: DayOfWeekRule): MonthMask {
  switch (rule.kind) {
    case "days": {
      const weekdays = rule.days.reduce((mask, weekday) => mask | (1 << weekday), 0);
      return (length, first) => {
        // Bit k of `week` says whether day k + 1 matches; the pattern repeats every 7 days.
        const week = ((weekdays >>> first) | (weekdays << (7 - first))) & 0x7f;
        const month = week | (week << 7) | (week << 14) | (week << 21) | (week << 28);
        return month & daysUpTo(length);
      };
    }
    case "last": {
      const target = rule.weekday;
      return (length, first) => {
        const lastWeekday = (first + length - 1) % 7;
        return 1 << (length - 1 - ((lastWeekday - target + 7) % 7));
      };
    }
    case "nth": {
      const { weekday, nth } = rule;
      return (length, first) => {
        const day = 1 + ((weekday - first + 7) % 7) + 7 * (nth - 1);
        return day <= length ? 1 << (day - 1) : 0;
      };
    }
    default: {
      const unreachable: never = rule;
      return unreachable;
    }
  }
}

function daysMask(spec: CronSpec): MonthMask {
  const days = spec.days;
  switch (days.match) {
    case "dayOfMonth":
      return dayOfMonthMask(days.dayOfMonth);
    case "dayOfWeek":
      return dayOfWeekMask(days.dayOfWeek);
    case "both": {
      const ofMonth = dayOfMonthMask(days.dayOfMonth);
      const ofWeek = dayOfWeekMask(days.dayOfWeek);
      return (length, first) => ofMonth(length, first) & ofWeek(length, first);
    }
    case "either": {
      const ofMonth = dayOfMonthMask(days.dayOfMonth);
      const ofWeek = dayOfWeekMask(days.dayOfWeek);
      return (length, first) => ofMonth(length, first) | ofWeek(length, first);
    }
    default: {
      const unreachable: never = days;
      return unreachable;
    }
  }
}

/** `table[i]` is the smallest listed value ≥ i, or -1; sized so `table[max + 1]` is -1. */
function nextTable(values: readonly number[], max: number): Int16Array {
  const allowed = new Set(values);
  const table = new Int16Array(max + 2).fill(-1);
  let next = -1;
  for (let i = max; i >= 0; i--) {
    if (allowed.has(i)) next = i;
    table[i] = next;
  }
  return table;
}

/** A {@link CronSpec} prepared for searching. */
interface Matcher {
  readonly minutes: Int16Array;
  readonly hours: Int16Array;
  readonly months: Int16Array;
  readonly years: readonly number[] | null;
  readonly daysOf: MonthMask;
}

// Specs are plain data; their prepared form is derived once per spec object.
const matchers = new WeakMap<CronSpec, Matcher>();

function matcherFor(spec: CronSpec): Matcher {
  let matcher = matchers.get(spec);
  if (matcher === undefined) {
    matcher = {
      minutes: nextTable(spec.minutes, 59),
      hours: nextTable(spec.hours, 23),
      months: nextTable(spec.months, 12),
      years: spec.years,
      daysOf: daysMask(spec),
    };
    matchers.set(spec, matcher);
  }
  return matcher;
}

/** The first listed year ≥ `year`, or -1. */
function nextYear(years: readonly number[], year: number): number {
  for (const candidate of years) if (candidate >= year) return candidate;
  return -1;
}

/**
 * The first wall minute (see zone.ts for "wall time") at or after `fromWall` that `spec`
 * matches, or `undefined` when there is none up to the end of `lastYear`.
 */
export function nextWallMatch(
  spec: CronSpec,
  fromWall: number,
  lastYear: number,
): number | undefined {
  const matcher = matcherFor(spec);
  const startMinute = Math.ceil(fromWall / MINUTE);
  const startDay = Math.floor(startMinute / MINUTES_PER_DAY);
  const minuteOfDay = startMinute - startDay * MINUTES_PER_DAY;
  let { year, month, day } = civilDate(startDay);
  let hour = Math.floor(minuteOfDay / 60);
  let minute = minuteOfDay % 60;
  // Each pass either returns or moves one field forward and resets the finer ones.
  for (;;) {
    if (year > lastYear) return undefined;
    if (matcher.years !== null) {
      const listed = nextYear(matcher.years, year);
      if (listed === -1 || listed > lastYear) return undefined;
      if (listed !== year) [year, month, day, hour, minute] = [listed, 1, 1, 0, 0];
    }
    const nextMonth = matcher.months[month] ?? -1;
    if (nextMonth === -1) {
      [year, month, day, hour, minute] = [year + 1, 1, 1, 0, 0];
      continue;
    }
    if (nextMonth !== month) [month, day, hour, minute] = [nextMonth, 1, 0, 0];
    const length = daysInMonth(year, month);
    const remaining =
      day > length
        ? 0
        : matcher.daysOf(length, sundayWeekdayOf(dayNumber(year, month, 1))) >>> (day - 1);
    if (remaining === 0) {
      [month, day, hour, minute] = [month + 1, 1, 0, 0];
      continue;
    }
    // Count trailing zeros: the distance to the next matching day.
    const skip = 31 - Math.clz32(remaining & -remaining);
    if (skip > 0) [day, hour, minute] = [day + skip, 0, 0];
    const nextHour = matcher.hours[hour] ?? -1;
    if (nextHour === -1) {
      [day, hour, minute] = [day + 1, 0, 0];
      continue;
    }
    if (nextHour !== hour) [hour, minute] = [nextHour, 0];
    const nextMinute = matcher.minutes[minute] ?? -1;
    if (nextMinute === -1) {
      [hour, minute] = [hour + 1, 0];
      continue;
    }
    return (dayNumber(year, month, day) * MINUTES_PER_DAY + hour * 60 + nextMinute) * MINUTE;
  }
}
