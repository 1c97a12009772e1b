/**
 * The tick's side of the outbox: turning claimed runs into transport messages, handing them
 * over, and marking the accepted ones DISPATCHED.
 */
import type { Clock } from "../clock.js";
import { dispatchOf } from "../dispatch/envelope.js";
import type { Dispatcher } from "../dispatch/types.js";
import { ConflictError } from "../errors.js";
import type { JobLogger } from "../registry/types.js";
import { RUN_STATUS, type RunRecord, type ScheduleStore } from "../store/types.js";

/** What sending needs of the tick's dependencies (`TickDependencies` is one). */
export interface SendDependencies {
  readonly store: ScheduleStore;
  readonly dispatcher: Dispatcher;
  readonly clock: Clock;
  readonly logger?: JobLogger;
}

/** Dispatch chunk: keeps one failing call from holding back more than this many runs. */
const CHUNK = 50;

/**
 * Returns a function that dispatches runs and marks the accepted ones DISPATCHED, returning how
 * many the transport accepted. Runs it refused stay PENDING for a later re-drive.
 */
export function runSender(
  deps: SendDependencies,
  counts: { failed: number },
  markDispatched: boolean,
): (runs: readonly RunRecord[], now: number) => Promise<number> {
  return async (runs, now) => {
    let accepted = 0;
    for (let start = 0; start < runs.length; start += CHUNK) {
      const chunk = runs.slice(start, start + CHUNK);
      let failed: ReadonlySet<string>;
      try {
        const result = await deps.dispatcher.dispatch(chunk.map((run) => dispatchOf(run, now)));
        failed = new Set(result.failed.map((f) => f.runId));
        for (const f of result.failed) {
          deps.logger?.warn("transport refused a run; it stays PENDING and will be re-driven", {
            runId: f.runId,
            error: f.error.message,
          });
        }
      } catch (error) {
        deps.logger?.error("dispatch failed; the runs stay PENDING and will be re-driven", {
          runs: chunk.length,
          error: String(error),
        });
        counts.failed += chunk.length;
        continue;
      }
      counts.failed += failed.size;
      const sent = chunk.filter((run) => !failed.has(run.runId));
      accepted += sent.length;
      if (markDispatched) await Promise.all(sent.map((run) => markSent(deps, run)));
    }
    return accepted;
  };
}

/** PENDING → DISPATCHED; losing means the invoke side already started it, which is fine. */
async function markSent(deps: SendDependencies, run: RunRecord): Promise<void> {
  const at = deps.clock.now().getTime();
  try {
    await deps.store.updateRun(
      run.scheduleId,
      run.scheduledAt,
      { status: RUN_STATUS.DISPATCHED, dispatchedAt: at, updatedAt: at },
      { expect: [RUN_STATUS.PENDING] },
    );
  } catch (error) {
    if (error instanceof ConflictError) return;
    // The run stays PENDING and is re-dispatched after the grace period: a duplicate the
    // invoke side deduplicates by run id.
    deps.logger?.warn("could not mark a run DISPATCHED", {
      runId: run.runId,
      error: String(error),
    });
  }
}
