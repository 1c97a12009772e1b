/**
 * A deliberately naive RFC 5545 expander, written from the RFC's definitions for the property
 * tests: it walks every INTERVAL-th period from DTSTART's, lists *every* date-time in the period
 * that satisfies every BY* part (with DTSTART's values for the parts left out), applies
 * BYSETPOS, and never skips ahead. Calendar facts come from `Date` (UTC), not from the engine's
 * calendar module. Slow, and only meant for short horizons.
 */
import type { RecurrenceRule } from "../../src/scheduling/index.js";

const DAY = 86_400_000;
const CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

interface Fields {
  year: number;
  month: number;
  dom: number;
  weekday: number;
  yday: number;
  yearLength: number;
  monthLength: number;
}

function fields(dayStart: number): Fields {
  const d = new Date(dayStart);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  return {
    year,
    month,
    dom: d.getUTCDate(),
    weekday: (d.getUTCDay() + 6) % 7,
    yday: (dayStart - Date.UTC(year, 0, 1)) / DAY + 1,
    yearLength: (Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1)) / DAY,
    monthLength: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

/** Week 1 of `year` starts on the `wkst` day of the week that has at least 4 days in `year`. */
function weekOneStart(year: number, wkst: number): number {
  let day = Date.UTC(year, 0, 1);
  while ((new Date(day).getUTCDay() + 6) % 7 !== wkst) day -= DAY;
  // Fewer than 4 of the week's days in `year`: week 1 is the next one.
  return (Date.UTC(year, 0, 1) - day) / DAY > 3 ? day + 7 * DAY : day;
}

function matchesDay(
  rule: RecurrenceRule,
  f: Fields,
  defaults: { month: number; dom: number; weekday: number },
): boolean {
  const dayParts = rule.byWeekNo || rule.byYearDay || rule.byMonthDay || rule.byDay;
  const months =
    rule.byMonth ?? (!dayParts && rule.freq === "YEARLY" ? [defaults.month] : undefined);
  const monthDays =
    rule.byMonthDay ??
    (!dayParts && (rule.freq === "YEARLY" || rule.freq === "MONTHLY") ? [defaults.dom] : undefined);
  const byDay =
    rule.byDay ??
    (!dayParts && rule.freq === "WEEKLY"
      ? [{ weekday: CODES[defaults.weekday] as "MO" }]
      : undefined);
  if (months && !months.includes(f.month)) return false;
  if (monthDays && !monthDays.some((n) => (n > 0 ? n === f.dom : f.monthLength + n + 1 === f.dom)))
    return false;
  if (
    rule.byYearDay &&
    !rule.byYearDay.some((n) => (n > 0 ? n === f.yday : f.yearLength + n + 1 === f.yday))
  ) {
    return false;
  }
  if (byDay) {
    const inYear = rule.freq === "YEARLY" && !rule.byMonth;
    const ok = byDay.some((entry) => {
      if (CODES.indexOf(entry.weekday) !== f.weekday) return false;
      if (entry.nth === undefined) return true;
      const pos = inYear ? f.yday : f.dom;
      const length = inYear ? f.yearLength : f.monthLength;
      // Count the same weekdays before (and after) this day in the month or year.
      const before = Math.floor((pos - 1) / 7);
      const after = Math.floor((length - pos) / 7);
      return entry.nth > 0 ? before + 1 === entry.nth : after + 1 === -entry.nth;
    });
    if (!ok) return false;
  }
  return true;
}

/** The rule's wall times in order, from DTSTART, while they are ≤ `horizon`. */
export function referenceWalls(rule: RecurrenceRule, dtstart: number, until: number): number[] {
  const horizon =
    rule.until === undefined
      ? until
      : Math.min(until, Date.parse(`${rule.until.replace("Z", "")}Z`));
  const wkst = CODES.indexOf(rule.wkst);
  const start = new Date(dtstart);
  const startDay = dtstart - (dtstart % DAY);
  const sf = fields(startDay);
  const defaults = { month: sf.month, dom: sf.dom, weekday: sf.weekday };
  const coarse = ["YEARLY", "MONTHLY", "WEEKLY", "DAILY"].includes(rule.freq);
  const all = (n: number) => Array.from({ length: n }, (_, i) => i);
  const hours = rule.byHour ?? (coarse ? [start.getUTCHours()] : all(24));
  const minutes =
    rule.byMinute ?? (coarse || rule.freq === "HOURLY" ? [start.getUTCMinutes()] : all(60));
  const seconds = rule.bySecond ?? (rule.freq === "SECONDLY" ? all(60) : [start.getUTCSeconds()]);

  // The period holding a wall time, as [start, end).
  const periodAt = (t: number): [number, number] => {
    const d = new Date(t);
    const y = d.getUTCFullYear();
    switch (rule.freq) {
      case "YEARLY": {
        if (!rule.byWeekNo) return [Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1)];
        for (const year of [y - 1, y, y + 1]) {
          const from = weekOneStart(year, wkst);
          const to = weekOneStart(year + 1, wkst);
          if (t >= from && t < to) return [from, to];
        }
        throw new Error("no week-year");
      }
      case "MONTHLY":
        return [Date.UTC(y, d.getUTCMonth(), 1), Date.UTC(y, d.getUTCMonth() + 1, 1)];
      case "WEEKLY": {
        let from = t - (t % DAY);
        while ((new Date(from).getUTCDay() + 6) % 7 !== wkst) from -= DAY;
        return [from, from + 7 * DAY];
      }
      case "DAILY":
        return [t - (t % DAY), t - (t % DAY) + DAY];
      case "HOURLY":
        return [t - (t % 3_600_000), t - (t % 3_600_000) + 3_600_000];
      case "MINUTELY":
        return [t - (t % 60_000), t - (t % 60_000) + 60_000];
      default:
        return [t - (t % 1_000), t - (t % 1_000) + 1_000];
    }
  };

  const out: number[] = [];
  let [from, to] = periodAt(dtstart);
  let index = 0;
  while (from <= horizon) {
    if (index % rule.interval === 0) {
      const candidates: number[] = [];
      for (let day = from - (from % DAY); day < to; day += DAY) {
        const weeks = rule.byWeekNo ? (to - from) / (7 * DAY) : 0;
        if (rule.byWeekNo) {
          const week = Math.floor((day - from) / (7 * DAY)) + 1;
          if (!rule.byWeekNo.some((n) => (n > 0 ? n === week : weeks + n + 1 === week))) continue;
        }
        if (!matchesDay(rule, fields(day), defaults)) continue;
        // Skip hours and minutes that lie outside the period (sub-daily periods are short).
        const overlaps = (begin: number, length: number) => begin < to && begin + length > from;
        for (const h of hours) {
          const hourStart = day + h * 3_600_000;
          if (!overlaps(hourStart, 3_600_000)) continue;
          for (const m of minutes) {
            if (!overlaps(hourStart + m * 60_000, 60_000)) continue;
            for (const s of seconds) {
              const t = hourStart + m * 60_000 + s * 1_000;
              if (t >= from && t < to) candidates.push(t);
            }
          }
        }
      }
      candidates.sort((a, b) => a - b);
      const picked = rule.bySetPos
        ? [...new Set(rule.bySetPos.map((p) => candidates[p > 0 ? p - 1 : candidates.length + p]))]
            .filter((t): t is number => t !== undefined)
            .sort((a, b) => a - b)
        : candidates;
      for (const t of picked) {
        if (t < dtstart || t > horizon) continue;
        if (rule.count !== undefined && out.length >= rule.count) return out;
        out.push(t);
      }
    }
    [from, to] = periodAt(to);
    index++;
  }
  return out;
}
