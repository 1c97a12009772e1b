/**
 * A schedule's lifecycle after creation: pause, resume, delete.
 */
import { InvalidScheduleError, ScheduleNotFoundError } from "../errors.js";
import { dueAtOf, firstOccurrence, followingOccurrence, scheduleOf } from "../planning/index.js";
import { isOneShot } from "../scheduling/index.js";
import { SCHEDULE_STATE, type ScheduleRecord } from "../store/types.js";
import { type ControlDependencies, withLatest } from "./deps.js";

/**
 * Pauses a schedule: it leaves the due index until resumed. Pausing a paused schedule does
 * nothing; an ended one (COMPLETED, EXPIRED) cannot be paused.
 *
 * @example
 * await pauseSchedule("nightly", { store });
 */
export async function pauseSchedule(
  id: string,
  deps: ControlDependencies,
): Promise<ScheduleRecord> {
  return withLatest(id, deps, async (record) => {
    if (record.state === SCHEDULE_STATE.PAUSED) return undefined;
    if (record.state !== SCHEDULE_STATE.ENABLED) {
      throw new InvalidScheduleError(
        `schedule "${id}" is ${record.state} and cannot be paused: it no longer runs`,
        { field: "state" },
      );
    }
    return { state: SCHEDULE_STATE.PAUSED, nextRunAt: undefined, dueAt: undefined };
  });
}

/**
 * Resumes a PAUSED schedule (or revives a COMPLETED one whose end or maxRuns was raised). Its
 * next occurrence is the one after the last scheduled one, even if that is in the past, so the
 * tick applies the catch-up policy to what was missed. A paused schedule with nothing left
 * completes. Resuming an ENABLED schedule does nothing.
 *
 * @example
 * await resumeSchedule("nightly", { store });
 */
export async function resumeSchedule(
  id: string,
  deps: ControlDependencies,
): Promise<ScheduleRecord> {
  return withLatest(id, deps, async (record) => {
    if (record.state === SCHEDULE_STATE.ENABLED) return undefined;
    if (record.state === SCHEDULE_STATE.EXPIRED) {
      throw new InvalidScheduleError(
        `schedule "${id}" expired at its deadline and cannot be resumed; create a new one`,
        {
          field: "state",
        },
      );
    }
    const schedule = scheduleOf(record);
    const next =
      record.lastScheduledAt === undefined
        ? firstOccurrence(record, schedule)
        : followingOccurrence(record, schedule, record.lastScheduledAt, record.runCount);
    if (next === undefined) {
      if (record.state === SCHEDULE_STATE.COMPLETED || isOneShot(schedule)) {
        throw new InvalidScheduleError(
          `schedule "${id}" has no occurrence left: raise its maxRuns or endAt with update first`,
          { field: "state" },
        );
      }
      return { state: SCHEDULE_STATE.COMPLETED, nextRunAt: undefined, dueAt: undefined };
    }
    return { state: SCHEDULE_STATE.ENABLED, nextRunAt: next, dueAt: dueAtOf(record, next) };
  });
}

/**
 * Deletes a schedule and its run history. Throws `ScheduleNotFoundError` if it does not exist.
 *
 * @example
 * await deleteSchedule("nightly", { store });
 */
export async function deleteSchedule(id: string, deps: ControlDependencies): Promise<void> {
  if (!(await deps.store.deleteSchedule(id))) throw new ScheduleNotFoundError(id);
}
