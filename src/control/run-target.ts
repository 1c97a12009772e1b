/**
 * What `retry` and `cancel` act on: a run named by its id, read with its schedule, and the
 * refusal they share when it is not in a status that allows the action.
 */
import { RunNotFoundError, RunStateError } from "../errors.js";
import { parseRunId, type RunRecord, type RunStatus } from "../store/types.js";
import type { ControlDependencies } from "./deps.js";

/** A run id taken apart; RunNotFoundError (saying the form) when it is not one. */
export function runKeyOf(runId: string): { scheduleId: string; scheduledAt: number } {
  const key = parseRunId(runId);
  if (key === undefined) {
    throw new RunNotFoundError(
      runId,
      `"${runId}" is not a run id: expected <schedule-id>@<scheduled time as ISO 8601 UTC with milliseconds>, e.g. nightly@2026-05-01T09:30:00.000Z (the run ids of a schedule: lambda-scheduler history <schedule-id>)`,
    );
  }
  return { ...key };
}

/** The stored run of `runId`, or undefined when its occurrence has no record. */
export async function readRun(
  deps: ControlDependencies,
  runId: string,
): Promise<{ key: { scheduleId: string; scheduledAt: number }; run: RunRecord | undefined }> {
  const key = runKeyOf(runId);
  return { key, run: await deps.store.getRun(key.scheduleId, key.scheduledAt) };
}

/** Refuses `action` on a run in `status`, saying which statuses allow it and why not this one. */
export function refusal(
  runId: string,
  status: RunStatus,
  action: string,
  allowed: readonly RunStatus[],
  why: string,
): RunStateError {
  return new RunStateError(
    runId,
    status,
    `cannot ${action} run ${runId}: it is ${status} (${why}); only a run that is ${allowed.join(" or ")} can be ${action === "retry" ? "retried" : "cancelled"}. Nothing was changed`,
  );
}

/** The run does not exist: never recorded, deleted with its schedule, or past its retention. */
export function runNotFound(runId: string): RunNotFoundError {
  return new RunNotFoundError(
    runId,
    `run ${runId} does not exist (never recorded, or deleted with its schedule or by retention): nothing was changed`,
  );
}
