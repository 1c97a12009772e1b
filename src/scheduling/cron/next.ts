/**
 * When a cron expression next fires in a time zone, with Debian cron(8)'s daylight-saving rules.
 *
 * Real time is walked one period of constant UTC offset at a time. Inside a period, wall time
 * is real time plus a constant, so the next matching instant is the next matching wall minute
 * minus the offset; a wall search that lands past the period's end moves on to the next
 * period. Working in real-time order (rather than wall order) is what keeps a fall-back hour,
 * where wall order and real order disagree, correct.
 *
 * A fixed-time expression (no `*` in minute and hour) adds two rules, both phrased with the
 * "high-water mark": the latest wall time clocks have shown before the instant considered.
 * - A wall time at or below the mark has been shown before (clocks went back): it does not fire
 *   again.
 * - Wall times between the mark and the current wall time were never shown (clocks jumped
 *   forward): if any of them matches, the job fires once, at the first instant after the jump.
 */
import { civilDate, DAY, MINUTE } from "../calendar.js";
import { type OffsetPeriod, offsetPeriodAt, type TimeZone } from "../zone.js";
import type { CronSpec } from "./spec.js";
import { nextWallMatch } from "./wall-search.js";

/**
 * No expression can first match more than one 400-year Gregorian cycle away: after that the
 * calendar repeats. A search that finds nothing by then finds nothing ever.
 */
const CYCLE_YEARS = 400;
/** `Date` cannot represent instants past this year, so no search goes beyond it. */
const LAST_REPRESENTABLE_YEAR = 275_000;

/**
 * The high-water mark at instant `t`: the least wall time not shown by any instant before `t`.
 * UTC offsets stay within ±14 hours, so periods ending over two days before `t` cannot raise it.
 */
function wallHighWater(t: number, zone: TimeZone): number {
  let mark = Number.NEGATIVE_INFINITY;
  let cursor = t;
  while (cursor > t - 2 * DAY) {
    const period = offsetPeriodAt(cursor - 1, zone);
    mark = Math.max(mark, cursor + period.offsetMinutes * MINUTE);
    cursor = period.start;
  }
  return mark;
}

/** Memoises the wall search across periods: a search from `from` answers any later start ≤ its result. */
function memoisedSearch(
  spec: CronSpec,
  lastYear: number,
): (fromWall: number) => number | undefined {
  let searchedFrom = Number.POSITIVE_INFINITY;
  let result: number | undefined;
  return (fromWall) => {
    const reusable = fromWall >= searchedFrom && (result === undefined || fromWall <= result);
    if (!reusable) {
      result = nextWallMatch(spec, fromWall, lastYear);
      searchedFrom = fromWall;
    }
    return result;
  };
}

/**
 * The first instant (epoch ms, a whole minute) strictly after `afterMs` at which `spec` fires
 * in `zone`, or `undefined` when it never fires again (its year field has ended, or its days
 * never occur, like 30 February).
 *
 * Daylight-saving changes follow Debian cron(8): a fixed-time expression ({@link CronSpec.fixedTime})
 * whose wall time is skipped by a spring-forward gap fires once at the end of the gap, and
 * fires only at the first occurrence of a repeated wall time; any other expression fires at
 * every real instant whose wall clock matches.
 *
 * Successive calls, each from the previous result, give strictly increasing instants.
 * @throws RangeError when `afterMs` is not finite or lies outside the range of `Date`.
 *
 * @example
 * ```ts
 * const spec = parseUnixCron("30 2 * * *");
 * const at = nextCronRun(spec, Date.parse("2026-03-08T00:00:00Z"), loadZone("America/New_York"));
 * new Date(at!).toISOString(); // "2026-03-08T07:00:00.000Z": 02:30 does not exist, 03:00 EDT
 * ```
 */
export function nextCronRun(spec: CronSpec, afterMs: number, zone: TimeZone): number | undefined {
  if (!Number.isFinite(afterMs))
    throw new RangeError(`afterMs must be a finite number, got ${afterMs}`);
  const startYear = civilDate(Math.floor(afterMs / DAY)).year;
  const horizon = Math.min(startYear + CYCLE_YEARS + 1, LAST_REPRESENTABLE_YEAR);
  const lastYear = spec.years === null ? horizon : Math.min(spec.years.at(-1) ?? 0, horizon);
  const search = memoisedSearch(spec, lastYear);

  let t = Math.floor(afterMs / MINUTE) * MINUTE + MINUTE;
  for (;;) {
    const period: OffsetPeriod = offsetPeriodAt(t, zone);
    const offset = period.offsetMinutes * MINUTE;
    let from = t + offset;
    if (spec.fixedTime) {
      const mark = wallHighWater(t, zone);
      if (mark > from) {
        from = mark;
      } else if (mark < from) {
        const skipped = search(mark);
        if (skipped === undefined) return undefined;
        if (skipped < from) return t;
      }
    }
    const wall = search(from);
    if (wall === undefined) return undefined;
    if (wall < period.end + offset) return wall - offset;
    t = period.end;
    // A match far ahead: jump to a day before it, once it is certain nothing in between fires.
    // Every instant in [t, near - DAY) shows a wall time in [t - DAY, near), where nothing
    // matches, and so does every wall time a gap in there skips.
    if (wall - offset > t + 3 * DAY) {
      const near = search(t - DAY);
      if (near === undefined) return undefined;
      if (near - DAY > t) t = Math.floor((near - DAY) / MINUTE) * MINUTE;
    }
  }
}
