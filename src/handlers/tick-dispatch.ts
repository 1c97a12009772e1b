/**
 * The tick's side of the outbox: turning claimed runs into transport messages, handing them
 * over, and marking the accepted ones DISPATCHED.
 */
import { MAX_DELAY_SECONDS } from "../dispatch/batch.js";
import type { Dispatch, Envelope } from "../dispatch/types.js";
import { ConflictError } from "../errors.js";
import { RUN_STATUS, type RunRecord } from "../store/types.js";
import type { TickDependencies } from "./tick-core.js";

/** The envelope of a run, as the tick sends it (attempt 1). */
export function envelopeOf(run: RunRecord): Envelope {
  return {
    v: 1,
    runId: run.runId,
    scheduleId: run.scheduleId,
    job: run.job,
    payload: run.payload,
    scheduledAt: new Date(run.scheduledAt).toISOString(),
    attempt: 1,
  };
}

/**
 * A run as the transport takes it: a precise run goes straight to the queue, with the delay
 * that makes it start at its due time.
 */
export function dispatchOf(run: RunRecord, now: number): Dispatch {
  if (!run.precise) return { envelope: envelopeOf(run) };
  const delay = Math.ceil((run.dueAt - now) / 1_000);
  return {
    envelope: envelopeOf(run),
    precise: true,
    delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, delay)),
  };
}

/** Dispatch chunk: keeps one failing call from holding back more than this many runs. */
const CHUNK = 50;

/**
 * Returns a function that dispatches runs and marks the accepted ones DISPATCHED, returning how
 * many the transport accepted. Runs it refused stay PENDING for a later re-drive.
 */
export function runSender(
  deps: TickDependencies,
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
async function markSent(deps: TickDependencies, run: RunRecord): Promise<void> {
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
