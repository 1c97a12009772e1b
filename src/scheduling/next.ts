/**
 * Fire instants of a parsed {@link Schedule}: `nextRun` per kind, `nextRuns` for a list, and
 * `isOneShot`. Time is always an argument: nothing here reads the clock.
 */
import { InvalidScheduleError } from "../errors.js";
import { nextAtRun } from "./at.js";
import { DAY } from "./calendar.js";
import { nextCronRun } from "./cron/index.js";
import { nextDeadlineRun } from "./deadline.js";
import { parseSchedule } from "./parse.js";
import { nextRateRun } from "./rate.js";
import { nextRRuleRun } from "./rrule/next.js";
import { assertNever, type Schedule } from "./types.js";
import { loadZone } from "./zone.js";

/** Options of {@link nextRun}. */
export interface NextRunOptions {
  /**
   * When the schedule started (its creation, say): the anchor of `rate`, the fire instant of
   * `deadline`, the DTSTART of an rrule without one. Defaults to `after` for rate and rrule.
   */
  readonly start?: Date;
}

/** Options of {@link nextRuns}. */
export interface NextRunsOptions extends NextRunOptions {
  /** Instants strictly after this one are listed. */
  readonly after: Date;
  /** How many to list: a whole number ≥ 1; fewer come back when the schedule ends. */
  readonly count: number;
  /** IANA time zone of a string expression (default `UTC`). */
  readonly timezone?: string;
}

/** The most instants {@link nextRuns} lists at once. */
export const MAX_NEXT_RUNS = 100_000;

/**
 * The instants schedules are computed for and stored with: 1970-01-01T00:00:00.000Z through
 * 9999-12-31T23:59:59.999Z (four-digit years, as the envelope writes them). Outside it a search
 * could walk for seconds near the ends of what `Date` holds, so arguments there are refused.
 */
export const INSTANT_RANGE = { min: 0, max: 253_402_300_799_999 } as const;

const RANGE_TEXT = "1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z";

/**
 * Milliseconds of a `Date` argument within {@link INSTANT_RANGE}, refusing anything else by
 * name. A strict lower bound (`after`, `notBefore`) may also be the instant just before the
 * range: "strictly after" it means "from the range's start".
 */
export function instantArgument(value: unknown, field: string, strictLowerBound = false): number {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidScheduleError(
      `${field} must be a valid Date, e.g. new Date("2026-01-05T09:00:00Z")`,
      { field },
    );
  }
  const min = strictLowerBound ? INSTANT_RANGE.min - 1 : INSTANT_RANGE.min;
  if (ms < min || ms > INSTANT_RANGE.max) {
    throw new InvalidScheduleError(
      `${field} ${new Date(ms).toISOString()} is outside the supported range ${RANGE_TEXT}`,
      { field },
    );
  }
  return ms;
}

/**
 * `Date` holds instants within ±8.64e15 ms; the evaluators look at offsets a little around the
 * instants they handle, so the engine works within this margin of those ends.
 */
export const SUPPORTED_INSTANTS = { min: -8.64e15 + 400 * DAY, max: 8.64e15 - 400 * DAY } as const;

/**
 * Milliseconds form of {@link nextRun}: searches inside {@link SUPPORTED_INSTANTS}, and finds
 * nothing after the end of {@link INSTANT_RANGE} (no schedule is computed past year 9999).
 */
export function nextRunMs(
  schedule: Schedule,
  after: number,
  start: number | undefined,
): number | undefined {
  if (after >= INSTANT_RANGE.max) return undefined;
  // Before the supported range, the first run after its lower end is the first run there is.
  const next = nextByKind(schedule, Math.max(after, SUPPORTED_INSTANTS.min), start);
  return next === undefined || next > INSTANT_RANGE.max ? undefined : next;
}

function nextByKind(
  schedule: Schedule,
  after: number,
  start: number | undefined,
): number | undefined {
  switch (schedule.kind) {
    case "rate":
      return nextRateRun(schedule, after, start ?? after);
    case "cron":
    case "unix-cron":
      return nextCronRun(schedule.spec, after, loadZone(schedule.timezone));
    case "at":
      return nextAtRun(schedule, after);
    case "deadline":
      return nextDeadlineRun(schedule, after, start);
    case "rrule":
      return nextRRuleRun(schedule, after, start);
    default:
      return assertNever(schedule, "schedule kind");
  }
}

/**
 * The first fire instant strictly after `after`; undefined when the schedule has ended.
 *
 * @throws InvalidScheduleError when `after` or `start` is outside {@link INSTANT_RANGE}.
 *
 * @example
 * const schedule = parseSchedule("rate(5 minutes)");
 * nextRun(schedule, new Date("2026-01-05T09:01:00Z"), { start: new Date("2026-01-05T09:00:00Z") });
 * // 2026-01-05T09:05:00.000Z
 */
export function nextRun(
  schedule: Schedule,
  after: Date,
  options: NextRunOptions = {},
): Date | undefined {
  const afterMs = instantArgument(after, "after", true);
  const start = options.start === undefined ? undefined : instantArgument(options.start, "start");
  const next = nextRunMs(schedule, afterMs, start);
  return next === undefined ? undefined : new Date(next);
}

/**
 * Whether the schedule fires at most once: `at`, `deadline`, and an rrule that can only
 * produce one instant (COUNT=1 and no RDATE, or a single RDATE and no RRULE).
 *
 * @example
 * isOneShot(parseSchedule("at(2026-12-01T10:00:00)")); // true
 */
export function isOneShot(schedule: Schedule): boolean {
  switch (schedule.kind) {
    case "at":
    case "deadline":
      return true;
    case "rate":
    case "cron":
    case "unix-cron":
      return false;
    case "rrule":
      return schedule.rule === undefined
        ? schedule.rdates.length <= 1
        : schedule.rule.count === 1 && schedule.rdates.length === 0;
    default:
      return assertNever(schedule, "schedule kind");
  }
}

/**
 * The next `count` fire instants strictly after `after`, ascending; fewer when the schedule
 * ends. A string is parsed first (with `timezone`); `rate` is anchored at `start`, defaulting
 * to `after`, and so is an rrule without DTSTART.
 *
 * @throws InvalidScheduleError for a bad expression, time zone or count, or a date that is not
 * valid or is outside {@link INSTANT_RANGE}.
 * @example
 * nextRuns("cron(0 12 ? * MON-FRI *)", {
 *   after: new Date("2026-01-02T12:00:00Z"),
 *   count: 2,
 *   timezone: "Europe/Berlin",
 * }); // [2026-01-05T11:00:00.000Z, 2026-01-06T11:00:00.000Z]
 */
export function nextRuns(expression: string | Schedule, options: NextRunsOptions): Date[] {
  const { count } = options;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > MAX_NEXT_RUNS) {
    throw new InvalidScheduleError(
      `count "${String(count)}" must be a whole number from 1 to ${MAX_NEXT_RUNS}`,
      { field: "count" },
    );
  }
  const after = instantArgument(options.after, "after", true);
  const start = options.start === undefined ? undefined : instantArgument(options.start, "start");
  const schedule =
    typeof expression === "string"
      ? parseSchedule(
          expression,
          options.timezone === undefined ? {} : { timezone: options.timezone },
        )
      : expression;
  // The anchor stays where the list began, not where each step is.
  const anchor = schedule.kind === "deadline" ? start : (start ?? after);
  const runs: Date[] = [];
  let cursor = after;
  while (runs.length < count) {
    const next = nextRunMs(schedule, cursor, anchor);
    if (next === undefined) break;
    runs.push(new Date(next));
    if (isOneShot(schedule) && schedule.kind !== "rrule") break;
    cursor = next;
  }
  return runs;
}
