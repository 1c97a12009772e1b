/**
 * `cancelRun`: a run that has not started never will. It becomes CANCELLED, a final status the
 * invoke side does not start from, so its message, whenever it arrives, is acknowledged unrun.
 */
import { ConflictError, InvalidScheduleError, ScheduleNotFoundError } from "../errors.js";
import { occurrenceOptions, scheduleOf } from "../planning/index.js";
import { nextRun } from "../scheduling/index.js";
import {
  RUN_STATUS,
  type RunRecord,
  type RunStatus,
  runIdOf,
  type ScheduleRecord,
} from "../store/types.js";
import { type ControlDependencies, nowOf } from "./deps.js";
import { readRun, refusal } from "./run-target.js";

/**
 * The statuses a cancel takes a run from: every status the invoke side can still start it from
 * (see the invoke side's STARTABLE), so that a cancelled run can never start afterwards.
 */
export const CANCELLABLE: readonly RunStatus[] = [
  RUN_STATUS.PENDING,
  RUN_STATUS.DISPATCHED,
  RUN_STATUS.RETRYING,
  RUN_STATUS.BUFFERED,
];

/** What {@link cancelRun} returns. */
export interface CancelResult {
  /** The CANCELLED run as written. */
  readonly run: RunRecord;
  /** True when the occurrence had no record yet (a scheduled or precise run not yet started). */
  readonly created: boolean;
}

/**
 * Cancels a run that has not started: a PENDING, DISPATCHED, RETRYING or BUFFERED run becomes
 * CANCELLED by one write conditional on that status; an occurrence of the schedule with no
 * record yet (a scheduled run on its way, a precise run waiting out its SQS delay, or one still
 * to come) gets a CANCELLED record written only if none exists. Either way the invoke side's start, which
 * only takes a run that is absent or in a startable status, then refuses it.
 *
 * Refused, with nothing written: a run id that is not one, a run that is RUNNING or final
 * (RunStateError), a missing schedule, a time that is not an occurrence of the schedule
 * (InvalidScheduleError), and a run that started between the read and the write.
 *
 * @example
 * await cancelRun({ store }, "nightly@2026-05-01T09:30:00.000Z");
 */
export async function cancelRun(deps: ControlDependencies, runId: string): Promise<CancelResult> {
  const { key, run } = await readRun(deps, runId);
  const now = nowOf(deps);
  const cancelled = { status: RUN_STATUS.CANCELLED, finishedAt: now, updatedAt: now };
  if (run !== undefined)
    return { run: await cancelStored(deps, runId, run, cancelled), created: false };

  const schedule = await deps.store.getSchedule(key.scheduleId);
  if (schedule === undefined) throw new ScheduleNotFoundError(key.scheduleId);
  checkOccurrence(schedule, key.scheduledAt, runId);
  const record: RunRecord = {
    runId: runIdOf(key.scheduleId, key.scheduledAt),
    scheduleId: key.scheduleId,
    job: schedule.job,
    scheduledAt: key.scheduledAt,
    dueAt: key.scheduledAt,
    attempt: 0,
    ...(schedule.precise ? { precise: true } : {}),
    createdAt: now,
    ...cancelled,
  };
  try {
    return { run: await deps.store.createRun(record), created: true };
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // Started (or recorded otherwise) between the read and the write: cancel what is there.
    const current = await deps.store.getRun(key.scheduleId, key.scheduledAt);
    if (current === undefined) throw error;
    return { run: await cancelStored(deps, runId, current, cancelled), created: false };
  }
}

async function cancelStored(
  deps: ControlDependencies,
  runId: string,
  run: RunRecord,
  changes: { status: RunStatus; finishedAt: number; updatedAt: number },
): Promise<RunRecord> {
  const why =
    run.status === RUN_STATUS.RUNNING
      ? "it has started; a running job is not interrupted"
      : "it has ended already";
  if (!CANCELLABLE.includes(run.status)) {
    throw refusal(runId, run.status, "cancel", CANCELLABLE, why);
  }
  try {
    return await deps.store.updateRun(run.scheduleId, run.scheduledAt, changes, {
      expect: [run.status],
    });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const current = await deps.store.getRun(run.scheduleId, run.scheduledAt);
    throw refusal(
      runId,
      current?.status ?? run.status,
      "cancel",
      CANCELLABLE,
      "it changed while the cancel was asked for",
    );
  }
}

/**
 * Refuses a time that is not one of the schedule's occurrences (a typo in the run id would
 * otherwise leave a CANCELLED record no run ever meets). Its next run counts (a first run at
 * creation is not on the schedule's grid), and so does its last.
 */
function checkOccurrence(schedule: ScheduleRecord, scheduledAt: number, runId: string): void {
  if (scheduledAt === schedule.nextRunAt || scheduledAt === schedule.lastScheduledAt) return;
  const parsed = scheduleOf(schedule);
  const next = nextRun(parsed, new Date(scheduledAt - 1), occurrenceOptions(schedule, parsed));
  if (next?.getTime() === scheduledAt) return;
  throw new InvalidScheduleError(
    `cannot cancel run ${runId}: schedule "${schedule.id}" (${schedule.expression}, ${schedule.timezone}) has no occurrence at ${new Date(scheduledAt).toISOString()}${next === undefined ? "" : `; its next after that is ${next.toISOString()}`}. Nothing was changed`,
    { expression: schedule.expression, field: "run id" },
  );
}
