/**
 * Where a stored schedule's occurrences fall: its first one, the one after a given one, and the
 * latest one in a window, with the record's bounds (`startAt`, `endAt`, `maxRuns`) applied.
 * Pure: time is always an argument.
 */
import {
  INSTANT_RANGE,
  isOneShot,
  nextRun,
  parseSchedule,
  previousRun,
  type Schedule,
} from "../scheduling/index.js";
import type { ScheduleRecord } from "../store/types.js";
import { runIdOf } from "../store/types.js";
import { jitterFor } from "./jitter.js";

/** The record fields that decide where occurrences fall. */
export type ScheduleTiming = Pick<
  ScheduleRecord,
  "id" | "firstRun" | "startAt" | "endAt" | "maxRuns" | "runCount" | "createdAt" | "jitterMs"
>;

/** Parses a stored schedule's expression in its time zone. */
export function scheduleOf(record: Pick<ScheduleRecord, "expression" | "timezone">): Schedule {
  return parseSchedule(record.expression, { timezone: record.timezone });
}

/** "From the beginning of time": just before the first instant schedules are computed for. */
const BEGINNING = INSTANT_RANGE.min - 1;

function floorSecond(ms: number): number {
  return Math.floor(ms / 1_000) * 1_000;
}

/**
 * The `start` option passed to the scheduling functions: the anchor of a `rate`, and of an
 * rrule without DTSTART, is `startAt`, else the schedule's creation (to the whole second, so
 * that `rate(5 seconds)` fires on whole seconds). The other kinds place their occurrences
 * themselves; `startAt` bounds them in {@link firstOccurrence}.
 */
export function occurrenceOptions(timing: ScheduleTiming, schedule: Schedule): { start?: Date } {
  switch (schedule.kind) {
    case "rate":
    case "rrule":
      return { start: new Date(timing.startAt ?? floorSecond(timing.createdAt)) };
    case "cron":
    case "unix-cron":
    case "at":
    case "deadline":
      return {};
    default: {
      const unreachable: never = schedule;
      return unreachable;
    }
  }
}

/** `t` if it is within `endAt`, else undefined. */
function withinEnd(timing: ScheduleTiming, t: number | undefined): number | undefined {
  if (t === undefined) return undefined;
  return timing.endAt !== undefined && t > timing.endAt ? undefined : t;
}

/**
 * The first occurrence of a schedule that has never run, or undefined when it never fires
 * (its end is before it, or a one-shot's instant is before `startAt`).
 *
 * - A recurring schedule with `firstRun: immediate` is due at its creation (to the whole
 *   second), or at `startAt` if that is later.
 * - With `firstRun: scheduled`, it is the first occurrence after creation, or at/after
 *   `startAt` when one is given.
 * - A one-shot (`at`, `deadline`) is due at its instant or start, whatever `firstRun` says.
 */
export function firstOccurrence(timing: ScheduleTiming, schedule: Schedule): number | undefined {
  if ((timing.maxRuns ?? 1) < 1) return undefined;
  const options = occurrenceOptions(timing, schedule);
  const created = floorSecond(timing.createdAt);
  if (schedule.kind === "deadline") {
    // As soon as possible after creation, or at a later start; never after the deadline.
    const start =
      timing.startAt !== undefined && timing.startAt > created ? timing.startAt : undefined;
    const fire = nextRun(
      schedule,
      new Date(created - 1),
      start === undefined ? {} : { start: new Date(start) },
    );
    return withinEnd(timing, fire?.getTime());
  }
  if (isOneShot(schedule)) {
    // An `at` (or a single-instant rrule) fires at its instant, whatever firstRun says.
    const after = timing.startAt === undefined ? BEGINNING : timing.startAt - 1;
    return withinEnd(timing, nextRun(schedule, new Date(after), options)?.getTime());
  }
  if (timing.firstRun === "immediate") {
    return withinEnd(timing, Math.max(created, timing.startAt ?? created));
  }
  const after = timing.startAt !== undefined ? timing.startAt - 1 : created;
  return withinEnd(timing, nextRun(schedule, new Date(after), options)?.getTime());
}

/**
 * The occurrence after `after` (a scheduled time, never "now": no drift), or undefined when the
 * schedule ends first: a one-shot, exhausted, past `endAt`, or `claimed` reached `maxRuns`.
 */
export function followingOccurrence(
  timing: ScheduleTiming,
  schedule: Schedule,
  after: number,
  claimed: number,
): number | undefined {
  if (isOneShot(schedule)) return undefined;
  if (timing.maxRuns !== undefined && claimed >= timing.maxRuns) return undefined;
  const next = nextRun(schedule, new Date(after), occurrenceOptions(timing, schedule));
  return withinEnd(timing, next?.getTime());
}

/**
 * The latest occurrence in `[from, atOrBefore]` (`from` itself counts even when it is not on the
 * schedule's grid, as a first run at creation is not), after `endAt` never.
 */
export function latestOccurrence(
  timing: ScheduleTiming,
  schedule: Schedule,
  from: number,
  atOrBefore: number,
): number {
  if (isOneShot(schedule)) return from;
  const bound = timing.endAt === undefined ? atOrBefore : Math.min(atOrBefore, timing.endAt);
  if (bound <= from) return from;
  const previous = previousRun(schedule, new Date(bound), {
    ...occurrenceOptions(timing, schedule),
    notBefore: new Date(from),
  });
  return previous === undefined ? from : Math.max(from, previous.getTime());
}

/** When the occurrence scheduled at `scheduledAt` becomes due: plus its stable jitter. */
export function dueAtOf(timing: ScheduleTiming, scheduledAt: number): number {
  return scheduledAt + jitterFor(runIdOf(timing.id, scheduledAt), timing.jitterMs);
}
