/**
 * `previousRun`: the latest fire instant at or before a moment, for "catch up with the latest
 * missed occurrence". It must stay cheap after any outage, so it never walks the missed
 * occurrences one by one: rate is a closed form; at and deadline have one instant; cron and
 * rrule search backwards in windows that grow fourfold until one holds an occurrence, then
 * bisect that window (nextRun is monotonic in its `after`), which costs O(log gap) nextRun calls.
 */
import { atInstant } from "./at.js";
import { DAY } from "./calendar.js";
import { deadlineInstant } from "./deadline.js";
import { wallTimeOf } from "./local-time.js";
import { INSTANT_RANGE, instantArgument, nextRunMs } from "./next.js";
import { previousRateRun } from "./rate.js";
import { assertNever, type Schedule } from "./types.js";

/** Options of {@link previousRun}. */
export interface PreviousRunOptions {
  /**
   * When the schedule started: the anchor of `rate`, the fire instant of `deadline`, the
   * DTSTART of an rrule without one. Without it those kinds have no past and return undefined.
   */
  readonly start?: Date;
  /** Only instants strictly after this one count (e.g. the last run already made). */
  readonly notBefore?: Date;
}

/** Occurrences walked one by one before the search switches to bisection. */
const LINEAR_STEPS = 64;
/** The backward search looks no earlier than the supported range when nothing bounds it. */
const EPOCH = INSTANT_RANGE.min - 1;

/** The latest `next`-produced instant in (floor, x], by widening windows then bisection. */
function latestBySearch(
  next: (after: number) => number | undefined,
  x: number,
  floor: number,
): number | undefined {
  for (let width = 1_000; ; width *= 4) {
    const from = Math.max(x - width, floor);
    const first = next(from);
    if (first !== undefined && first <= x) {
      let last = first;
      for (let i = 0; i < LINEAR_STEPS; i++) {
        const following = next(last);
        if (following === undefined || following > x) return last;
        last = following;
      }
      // Invariant: next(low) <= x < next(high) (or none).
      let low = last;
      let high = x;
      while (high - low > 1) {
        const mid = low + Math.floor((high - low) / 2);
        const candidate = next(mid);
        if (candidate !== undefined && candidate <= x) low = mid;
        else high = mid;
      }
      return next(low);
    }
    if (from <= floor) return undefined;
  }
}

function previousRunMs(
  schedule: Schedule,
  x: number,
  start: number | undefined,
  notBefore: number,
): number | undefined {
  const above = (t: number | undefined): number | undefined =>
    t !== undefined && t <= x && t > notBefore ? t : undefined;
  const search = (floor: number, anchor?: number) =>
    latestBySearch((after) => nextRunMs(schedule, after, anchor), x, Math.max(floor, notBefore));
  switch (schedule.kind) {
    case "rate":
      return start === undefined ? undefined : above(previousRateRun(schedule, x, start));
    case "at":
      return above(atInstant(schedule));
    case "deadline":
      return start !== undefined && start <= deadlineInstant(schedule) ? above(start) : undefined;
    case "cron":
    case "unix-cron":
      return search(EPOCH);
    case "rrule": {
      if (schedule.dtstart === undefined && start === undefined) return undefined;
      // A wall time is within a day of its instant; RDATEs may come before DTSTART.
      const dtstart =
        schedule.dtstart === undefined ? (start ?? 0) : wallTimeOf(schedule.dtstart) - DAY;
      const firstDate = schedule.rdates[0] === undefined ? dtstart : Date.parse(schedule.rdates[0]);
      return search(Math.min(dtstart, firstDate) - 1, start);
    }
    default:
      return assertNever(schedule, "schedule kind");
  }
}

/**
 * The latest fire instant at or before `atOrBefore` (and strictly after `notBefore`, if
 * given); undefined if there is none. Efficient after any gap: a closed form for rate, a
 * logarithmic search for cron and rrule.
 *
 * @throws InvalidScheduleError when an instant given is outside {@link INSTANT_RANGE}.
 * @example
 * const schedule = parseSchedule("rate(1 second)");
 * previousRun(schedule, new Date("2026-02-04T00:00:00.500Z"), {
 *   start: new Date("2026-01-05T00:00:00Z"),
 * }); // 2026-02-04T00:00:00.000Z
 */
export function previousRun(
  schedule: Schedule,
  atOrBefore: Date,
  options: PreviousRunOptions = {},
): Date | undefined {
  const x = instantArgument(atOrBefore, "atOrBefore");
  const start = options.start === undefined ? undefined : instantArgument(options.start, "start");
  const notBefore =
    options.notBefore === undefined
      ? Number.NEGATIVE_INFINITY
      : instantArgument(options.notBefore, "notBefore", true);
  const previous = previousRunMs(schedule, x, start, notBefore);
  return previous === undefined ? undefined : new Date(previous);
}
