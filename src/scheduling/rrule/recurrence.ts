/**
 * RFC 5545 recurrence expansion on *wall times* (see zone.ts): which local date-times a rule
 * produces, with no time zone involved. Mapping them to instants, with the daylight-saving
 * rules, is next.ts's job.
 *
 * The rule is walked period by period (a year, month, week, day, hour, minute or second, every
 * INTERVAL-th one from DTSTART's). Within a period the candidate days are the period's days
 * that pass every day filter (BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY, BYDAY), the candidate
 * times the product of BYHOUR × BYMINUTE × BYSECOND; parts the rule leaves out are taken from
 * DTSTART as the RFC says. BYSETPOS then picks positions in the sorted candidates, which is
 * index arithmetic because days × times is already sorted. Without COUNT the walk starts at the
 * period of the time asked about, so a rule that began years ago costs no more than a new one.
 */
import { civilDate, DAY, floorTo, HOUR, MINUTE, SECOND } from "../calendar.js";
import type { CompiledRule } from "./recurrence-compile.js";
import {
  dayMatches,
  firstWeekStart,
  nextAllowedMonth,
  periodDays,
  weekEpoch,
} from "./recurrence-days.js";

export { type CompiledRule, compileRule } from "./recurrence-compile.js";

const SUB_DAILY_UNIT = { HOURLY: HOUR, MINUTELY: MINUTE, SECONDLY: SECOND } as const;
/** Days in the 400-year Gregorian cycle, after which the calendar repeats. */
const CYCLE_DAYS = 146_097;
/**
 * Periods scanned without an occurrence after which none will come: INTERVAL-spaced periods
 * revisit every position of the 400-year cycle (146097 days, 20871 weeks, 4800 months) within
 * that many steps. A time horizon of 400 × INTERVAL years usually stops the scan sooner.
 */
const IDLE_PERIODS = { YEARLY: 400, MONTHLY: 4_800, WEEKLY: 20_871, DAILY: CYCLE_DAYS } as const;
/** Sub-daily rules look at most 400 years past their last occurrence, in at most this many
 * steps (a safety net: skipping makes a step cover a day or more when nothing matches). */
const SUB_DAILY_HORIZON = CYCLE_DAYS * DAY;
const SUB_DAILY_MAX_STEPS = 3_000_000;

/** The index of the period holding `wall`: a year (week-year with BYWEEKNO), month, week, day… */
function periodOf(r: CompiledRule, wall: number): number {
  const day = Math.floor(wall / DAY);
  switch (r.freq) {
    case "YEARLY": {
      const { year } = civilDate(day);
      if (r.weekNos === null) return year;
      if (day >= firstWeekStart(year + 1, r.wkst)) return year + 1;
      return day < firstWeekStart(year, r.wkst) ? year - 1 : year;
    }
    case "MONTHLY": {
      const { year, month } = civilDate(day);
      return year * 12 + month - 1;
    }
    case "WEEKLY":
      return Math.floor((day - weekEpoch(r.wkst)) / 7);
    case "DAILY":
      return day;
    default:
      return Math.floor(wall / SUB_DAILY_UNIT[r.freq]);
  }
}

/** The BYSETPOS-selected indices of `length` sorted candidates, ascending. */
function selectedPositions(setPos: readonly number[], length: number): number[] {
  const picked = new Set<number>();
  for (const pos of setPos) {
    const index = pos > 0 ? pos - 1 : length + pos;
    if (index >= 0 && index < length) picked.add(index);
  }
  return [...picked].sort((a, b) => a - b);
}

function* dailyOrLonger(r: CompiledRule, from: number, last: number): Generator<number> {
  const origin = periodOf(r, r.dtstart);
  const alignUp = (q: number) =>
    origin + Math.max(0, Math.ceil((q - origin) / r.interval)) * r.interval;
  let p = alignUp(periodOf(r, from));
  const { times } = r;
  const idleLimit = IDLE_PERIODS[r.freq as keyof typeof IDLE_PERIODS];
  // INTERVAL-spaced periods and the 400-year calendar both repeat after 400 × INTERVAL years.
  const horizon = CYCLE_DAYS * r.interval;
  let lastFoundDay = Math.floor(from / DAY);
  for (let idle = 0; idle < idleLimit; idle++, p += r.interval) {
    const { first, days } = periodDays(r, p);
    if (first * DAY > last || first - lastFoundDay > horizon) return;
    const lastDay = first + (r.freq === "WEEKLY" ? 6 : 0);
    if (days.length === 0 && r.months && (r.freq === "DAILY" || r.freq === "WEEKLY")) {
      // Days and weeks wholly outside BYMONTH are skipped in one go.
      if (!r.months[civilDate(lastDay).month]) {
        p = Math.max(
          p,
          alignUp(periodOf(r, nextAllowedMonth(r.months, lastDay) * DAY)) - r.interval,
        );
      }
      continue;
    }
    if (r.setPos === null) {
      for (const day of days) {
        if ((day + 1) * DAY <= from) continue;
        for (const t of times) {
          const wall = day * DAY + t;
          if (wall > last) return;
          if (wall >= from) {
            yield wall;
            idle = -1;
            lastFoundDay = day;
          }
        }
      }
      continue;
    }
    for (const index of selectedPositions(r.setPos, days.length * times.length)) {
      const wall =
        (days[Math.floor(index / times.length)] ?? 0) * DAY + (times[index % times.length] ?? 0);
      if (wall > last) return;
      if (wall >= from) {
        yield wall;
        idle = -1;
        lastFoundDay = Math.floor(wall / DAY);
      }
    }
  }
}

/** The first index after `current` set in `limit`, or `limit.length` when there is none. */
function nextSet(limit: Uint8Array, current: number): number {
  let i = current + 1;
  while (i < limit.length && !limit[i]) i++;
  return i;
}

/**
 * HOURLY, MINUTELY and SECONDLY: aligned steps of INTERVAL units from DTSTART's, jumping over
 * days, hours, minutes and seconds that the limits rule out. A day that passed its filters
 * but yielded nothing depends only on its phase (where the steps fall inside it), so that
 * phase is remembered and later days with it are skipped whole: a rule whose step never meets
 * its BYMINUTE (every 2 minutes at minute 1) ends after one scan of the 400-year horizon.
 */
function* subDaily(r: CompiledRule, from: number, last: number, unit: number): Generator<number> {
  const step = unit * r.interval;
  const base = floorTo(r.dtstart, unit);
  const alignedFrom = (target: number): number =>
    base + Math.max(0, Math.ceil((target - base) / step)) * step;
  const { times } = r;
  const picks = r.setPos === null ? [...times.keys()] : selectedPositions(r.setPos, times.length);
  const deadPhases = new Set<number>();
  let start = alignedFrom(floorTo(from, unit));
  let lastFound = from;
  let day = Number.NaN;
  let dayOk = false;
  let phase = 0;
  let scannedWhole = false;
  let foundToday = false;
  for (let steps = 0; steps < SUB_DAILY_MAX_STEPS; steps++) {
    if (start > last || start - lastFound > SUB_DAILY_HORIZON) return;
    const startDay = Math.floor(start / DAY);
    if (startDay !== day) {
      if (dayOk && scannedWhole && !foundToday) deadPhases.add(phase);
      day = startDay;
      phase = (((day * DAY - base) % step) + step) % step;
      scannedWhole = start - day * DAY < step;
      foundToday = false;
      dayOk = !deadPhases.has(phase) && dayMatches(r, day);
    }
    const timeOfDay = start - day * DAY;
    const hour = Math.floor(timeOfDay / HOUR);
    const minute = Math.floor(timeOfDay / MINUTE) % 60;
    const second = Math.floor(timeOfDay / SECOND) % 60;
    const hourStart = day * DAY + hour * HOUR;
    const minuteStart = hourStart + minute * MINUTE;
    if (!dayOk) {
      const outsideMonths = r.months && !r.months[civilDate(day).month];
      start = alignedFrom((outsideMonths ? nextAllowedMonth(r.months, day) : day + 1) * DAY);
    } else if (r.hourLimit && !r.hourLimit[hour]) {
      start = alignedFrom(day * DAY + nextSet(r.hourLimit, hour) * HOUR);
    } else if (r.minuteLimit && !r.minuteLimit[minute]) {
      start = alignedFrom(hourStart + nextSet(r.minuteLimit, minute) * MINUTE);
    } else if (r.secondLimit && !r.secondLimit[second]) {
      start = alignedFrom(minuteStart + nextSet(r.secondLimit, second) * SECOND);
    } else {
      for (const index of picks) {
        const wall = start + (times[index] ?? 0);
        foundToday = true;
        if (wall > last) return;
        if (wall >= from) {
          yield wall;
          lastFound = wall;
          steps = 0;
        }
      }
      start += step;
    }
  }
}

/**
 * The rule's wall times at or after `from` (and DTSTART), ascending, up to `endWall` and
 * before `limit` (a wall time from which the caller already knows there are none). The
 * sequence ends when the rule does; it is lazy, so take what you need.
 */
export function wallOccurrences(
  r: CompiledRule,
  from: number,
  limit = Number.POSITIVE_INFINITY,
): Generator<number> {
  const begin = Math.max(from, r.dtstart);
  const last = Math.min(r.endWall, limit - 1);
  switch (r.freq) {
    case "HOURLY":
    case "MINUTELY":
    case "SECONDLY":
      return subDaily(r, begin, last, SUB_DAILY_UNIT[r.freq]);
    case "YEARLY":
    case "MONTHLY":
    case "WEEKLY":
    case "DAILY":
      return dailyOrLonger(r, begin, last);
    default: {
      const unreachable: never = r.freq;
      throw new Error(`unknown frequency ${String(unreachable)}`);
    }
  }
}
