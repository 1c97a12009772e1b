/**
 * `retryRun`: a run that failed for good (or expired) runs again, as a new attempt of the same
 * run id.
 */
import type { Dispatcher } from "../dispatch/types.js";
import { ConflictError, DispatchError, ScheduleNotFoundError } from "../errors.js";
import { RUN_STATUS, type RunRecord, type RunStatus } from "../store/types.js";
import { type ControlDependencies, nowOf } from "./deps.js";
import { checkJob } from "./input.js";
import { readRun, refusal, runNotFound } from "./run-target.js";
import { sendManualRuns } from "./runs.js";

/**
 * The statuses a retry takes a run from: FAILED and EXPIRED, and PENDING (a retry or run-now
 * whose send failed: sending it again is how it is asked for once more).
 */
export const RETRYABLE: readonly RunStatus[] = [
  RUN_STATUS.FAILED,
  RUN_STATUS.EXPIRED,
  RUN_STATUS.PENDING,
];

/** Why other statuses are refused, in words. */
const NOT_RETRYABLE_BECAUSE: Partial<Record<RunStatus, string>> = {
  [RUN_STATUS.DISPATCHED]: "it is on its way to the invoke side already",
  [RUN_STATUS.RUNNING]: "it is running now",
  [RUN_STATUS.RETRYING]: "the queue delivers it again by itself",
  [RUN_STATUS.BUFFERED]: "it starts when the run before it ends",
  [RUN_STATUS.SUCCEEDED]: "it succeeded; use `run <schedule-id>` for a new run",
  [RUN_STATUS.MISSED]: "it was never run on purpose; use `run <schedule-id>` or `backfill`",
  [RUN_STATUS.SKIPPED]: "it was never run on purpose; use `run <schedule-id>` or `backfill`",
  [RUN_STATUS.CANCELLED]: "it was cancelled",
};

/** What {@link retryRun} returns. */
export interface RetryResult {
  /** The run as last written: DISPATCHED, or PENDING without a dispatcher. */
  readonly run: RunRecord;
  readonly dispatched: boolean;
}

/**
 * Runs a FAILED or EXPIRED run again under its own run id, as its next attempt: one
 * conditional write takes it from the status read to PENDING (so of two retries at once only
 * one goes on, and the other is refused), then it is sent as run-now sends (`sendManualRuns`)
 * and recorded DISPATCHED. The retried run is handled as a run-now run: it runs the job of its
 * record with the payload it ran with (a scheduled run's: its schedule's current payload), and
 * a deadline does not stop it. Its envelope's attempt follows the run's last, so the job's
 * retry policy counts on from there (a run that used all its attempts gets one more).
 *
 * Refused, with nothing written: a run id that is not one (RunNotFoundError), a run that does
 * not exist, a run in another status (RunStateError, saying why), a run whose schedule is gone
 * (ScheduleNotFoundError), a job that is not among `deps.jobs` when given.
 *
 * @example
 * const { run } = await retryRun({ store, dispatcher }, "nightly@2026-05-01T09:30:00.000Z");
 */
export async function retryRun(
  deps: ControlDependencies & { readonly dispatcher?: Dispatcher },
  runId: string,
): Promise<RetryResult> {
  const { key, run } = await readRun(deps, runId);
  if (run === undefined) throw runNotFound(runId);
  if (!RETRYABLE.includes(run.status)) {
    throw refusal(runId, run.status, "retry", RETRYABLE, NOT_RETRYABLE_BECAUSE[run.status] ?? "");
  }
  const schedule = await deps.store.getSchedule(key.scheduleId);
  if (schedule === undefined) throw new ScheduleNotFoundError(key.scheduleId);
  if (deps.jobs !== undefined) checkJob(run.job, deps.jobs);

  const now = nowOf(deps);
  let pending: RunRecord;
  try {
    pending = await deps.store.updateRun(
      key.scheduleId,
      key.scheduledAt,
      {
        status: RUN_STATUS.PENDING,
        manual: true,
        payload: run.payload ?? schedule.payload,
        dispatchedAt: undefined,
        finishedAt: undefined,
        durationMs: undefined,
        result: undefined,
        updatedAt: now,
      },
      { expect: [run.status] },
    );
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // Another retry (or a delivery) changed it between the read and the write.
    const current = await deps.store.getRun(key.scheduleId, key.scheduledAt);
    throw refusal(
      runId,
      current?.status ?? run.status,
      "retry",
      RETRYABLE,
      "it changed while this retry was asked for",
    );
  }
  if (deps.dispatcher === undefined) return { run: pending, dispatched: false };
  const [sent] = await sendManualRuns([pending], schedule, now, deps);
  if (sent?.error !== undefined) {
    throw new DispatchError(
      `run ${runId} is PENDING again but could not be sent (${sent.error.message}); retry it once more to send it`,
      { cause: sent.error },
    );
  }
  return { run: sent?.run ?? pending, dispatched: true };
}
