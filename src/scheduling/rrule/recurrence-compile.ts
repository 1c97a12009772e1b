/**
 * Compiling an RRULE for expansion (recurrence.ts): the parts become lookup tables, and the
 * parts RFC 5545 takes from DTSTART when a rule leaves them out are filled in: the day for a
 * YEARLY or MONTHLY rule without day parts, the weekday for WEEKLY, and every time part finer
 * than FREQ.
 */
import { civilDate, DAY, HOUR, MINUTE, SECOND, weekdayOf } from "../calendar.js";
import { type RecurrenceRule, RRULE_WEEKDAYS, type RRuleFrequency } from "../types.js";

/** A rule ready to expand: filters as lookup tables, DTSTART's defaults filled in. */
export interface CompiledRule {
  readonly freq: RRuleFrequency;
  readonly interval: number;
  /** DTSTART, a wall time in whole seconds: nothing earlier is produced. */
  readonly dtstart: number;
  /** The last wall time that may be produced (UNTIL, possibly widened); Infinity if none. */
  readonly endWall: number;
  readonly months: Uint8Array | null;
  readonly monthDays: Uint8Array | null;
  readonly yearDays: Uint8Array | null;
  readonly weekNos: Uint8Array | null;
  readonly weekdays: Uint8Array | null;
  readonly nthWeekdays: readonly { readonly weekday: number; readonly nth: number }[];
  /** Numbered BYDAY entries count within the year (YEARLY without BYMONTH), else the month. */
  readonly nthInYear: boolean;
  readonly hourLimit: Uint8Array | null;
  readonly minuteLimit: Uint8Array | null;
  readonly secondLimit: Uint8Array | null;
  /** Sorted offsets (ms) of the candidate times inside a day, or inside one sub-daily period. */
  readonly times: readonly number[];
  readonly setPos: readonly number[] | null;
  readonly wkst: number;
}

const RANK: Record<RRuleFrequency, number> = {
  YEARLY: 0,
  MONTHLY: 1,
  WEEKLY: 2,
  DAILY: 3,
  HOURLY: 4,
  MINUTELY: 5,
  SECONDLY: 6,
};

function table(size: number, offset: number, values: readonly number[] | undefined) {
  if (values === undefined) return null;
  const t = new Uint8Array(size);
  for (const v of values) t[v + offset] = 1;
  return t;
}

function product(...lists: (readonly number[])[]): number[] {
  let out = [0];
  for (const list of lists) out = out.flatMap((base) => list.map((v) => base + v));
  return out.sort((a, b) => a - b);
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Compiles `rule` for a DTSTART wall time; `endWall` bounds the walls produced. */
export function compileRule(rule: RecurrenceRule, dtstart: number, endWall: number): CompiledRule {
  const startDay = Math.floor(dtstart / DAY);
  const start = civilDate(startDay);
  const startTime = dtstart - startDay * DAY;
  const rank = RANK[rule.freq];
  const dayPartsGiven = [rule.byWeekNo, rule.byYearDay, rule.byMonthDay, rule.byDay].some(
    (part) => part !== undefined,
  );
  let { byMonth, byMonthDay } = rule;
  let weekdayList = rule.byDay?.filter((d) => d.nth === undefined).map((d) => d.weekday);
  if (!dayPartsGiven && rule.freq === "YEARLY") {
    byMonth ??= [start.month];
    byMonthDay = [start.day];
  } else if (!dayPartsGiven && rule.freq === "MONTHLY") {
    byMonthDay = [start.day];
  } else if (!dayPartsGiven && rule.freq === "WEEKLY") {
    weekdayList = [RRULE_WEEKDAYS[weekdayOf(startDay)] ?? "MO"];
  }
  const weekdayNumbers = weekdayList?.map((w) => RRULE_WEEKDAYS.indexOf(w));
  // A part finer than FREQ and left out is DTSTART's value; one at or coarser than it limits.
  const hours = rule.byHour ?? (rank < RANK.HOURLY ? [Math.floor(startTime / HOUR)] : range(24));
  const minutes =
    rule.byMinute ?? (rank < RANK.MINUTELY ? [Math.floor(startTime / MINUTE) % 60] : range(60));
  const seconds =
    rule.bySecond ?? (rank < RANK.SECONDLY ? [Math.floor(startTime / SECOND) % 60] : range(60));
  const ms = (list: readonly number[], unit: number) => list.map((v) => v * unit);
  let times: number[];
  if (rule.freq === "HOURLY") times = product(ms(minutes, MINUTE), ms(seconds, SECOND));
  else if (rule.freq === "MINUTELY") times = ms(seconds, SECOND);
  else if (rule.freq === "SECONDLY") times = [0];
  else times = product(ms(hours, HOUR), ms(minutes, MINUTE), ms(seconds, SECOND));
  return {
    freq: rule.freq,
    interval: rule.interval,
    dtstart,
    endWall,
    months: table(13, 0, byMonth),
    monthDays: table(63, 31, byMonthDay),
    yearDays: table(733, 366, rule.byYearDay),
    weekNos: table(107, 53, rule.byWeekNo),
    weekdays:
      rule.byDay === undefined && weekdayNumbers === undefined
        ? null
        : table(7, 0, weekdayNumbers ?? []),
    nthWeekdays: (rule.byDay ?? [])
      .filter((d) => d.nth !== undefined)
      .map((d) => ({ weekday: RRULE_WEEKDAYS.indexOf(d.weekday), nth: d.nth ?? 0 })),
    nthInYear: rule.freq === "YEARLY" && rule.byMonth === undefined,
    hourLimit: rank >= RANK.HOURLY ? table(24, 0, rule.byHour) : null,
    minuteLimit: rank >= RANK.MINUTELY ? table(60, 0, rule.byMinute) : null,
    secondLimit: rank >= RANK.SECONDLY ? table(60, 0, rule.bySecond) : null,
    times,
    setPos: rule.bySetPos ?? null,
    wkst: RRULE_WEEKDAYS.indexOf(rule.wkst),
  };
}
