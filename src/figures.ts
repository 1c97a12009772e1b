/**
 * The operating figures of the scheduler, as plain numbers: what a tick did and how late it
 * was, and what the runs of each job came to. The Lambda handlers publish them as CloudWatch
 * metrics (metrics.ts); local mode prints them as a summary line. Pure: no clock, no output.
 */
import type { InvokeResult } from "./invoke/delivery.js";
import type { TickSummary } from "./tick/types.js";

/** What one tick (or, summed, several) did. */
export interface TickFigures {
  /** Due schedules read from the index. */
  readonly due: number;
  readonly claimed: number;
  readonly dispatched: number;
  /** Due schedules left for the next tick or another worker. */
  readonly backlog: number;
  /** Claims refused because the schedule changed after it was read. */
  readonly lost: number;
  /** Schedules whose send, claim or report failed. */
  readonly failed: number;
  readonly durationMs: number;
  /** How long the oldest due schedule had been due when the tick read it; absent when none was. */
  readonly oldestDueLatenessMs?: number;
}

/**
 * The figures of one tick from its summary, begun at `startedAt` and ended at `endedAt` (epoch
 * ms, the handler's clock).
 *
 * @example
 * ```ts
 * tickFigures(summary, t0, t1); // { due: 3, claimed: 3, …, durationMs: 42, oldestDueLatenessMs: 900 }
 * ```
 */
export function tickFigures(summary: TickSummary, startedAt: number, endedAt: number): TickFigures {
  return {
    due: summary.read,
    claimed: summary.claimed,
    dispatched: summary.dispatched,
    backlog: summary.backlog,
    lost: summary.lost,
    failed: summary.failed,
    durationMs: Math.max(0, endedAt - startedAt),
    ...(summary.oldestDueAt === undefined
      ? {}
      : { oldestDueLatenessMs: Math.max(0, startedAt - summary.oldestDueAt) }),
  };
}

/**
 * Several ticks as one: counts added, the backlog the last one left, the longest lateness;
 * `durationMs` is the time spent ticking.
 */
export function addTickFigures(sum: TickFigures | undefined, next: TickFigures): TickFigures {
  if (sum === undefined) return next;
  const lateness = Math.max(sum.oldestDueLatenessMs ?? -1, next.oldestDueLatenessMs ?? -1);
  return {
    due: sum.due + next.due,
    claimed: sum.claimed + next.claimed,
    dispatched: sum.dispatched + next.dispatched,
    backlog: next.backlog,
    lost: sum.lost + next.lost,
    failed: sum.failed + next.failed,
    durationMs: sum.durationMs + next.durationMs,
    ...(lateness < 0 ? {} : { oldestDueLatenessMs: lateness }),
  };
}

/** What the runs of one job came to. */
export interface JobRunFigures {
  /** Attempts begun (the job's handler was reached, or its payload or name refused). */
  started: number;
  succeeded: number;
  /** Attempts that failed for good: the run is FAILED. */
  failed: number;
  /** Attempts that failed and will be retried: the run is RETRYING. */
  retried: number;
  /** Per started attempt: its start minus the occurrence's scheduled time, in ms. */
  readonly latenessMs: number[];
  /** Per finished attempt: how long it ran, in ms. */
  readonly durationMs: number[];
}

/** Run figures by job name. */
export type RunFigures = Map<string, JobRunFigures>;

/**
 * Adds one delivery's result to `figures` (by the job of its run). Deliveries that began no
 * attempt (a duplicate, a busy or orphaned run, a dead-lettering message, an overlap skip or wait)
 * are not runs started and add nothing.
 *
 * @example
 * ```ts
 * const figures: RunFigures = new Map();
 * addRunResult(figures, result); // figures.get("hello") → { started: 1, succeeded: 1, … }
 * ```
 */
export function addRunResult(figures: RunFigures, result: InvokeResult): void {
  const run = result.run;
  if (run === undefined) return;
  switch (result.outcome) {
    case "succeeded":
    case "failed-retry":
    case "failed-final":
      break;
    case "skipped":
    case "buffered":
    case "duplicate":
    case "busy":
    case "dead-letter":
    case "orphaned":
      return;
    default: {
      const unexpected: never = result.outcome;
      throw new Error(`unknown invoke outcome ${String(unexpected)}`);
    }
  }
  let job = figures.get(run.job);
  if (job === undefined) {
    job = { started: 0, succeeded: 0, failed: 0, retried: 0, latenessMs: [], durationMs: [] };
    figures.set(run.job, job);
  }
  job.started += 1;
  if (result.outcome === "succeeded") job.succeeded += 1;
  else if (result.outcome === "failed-final") job.failed += 1;
  else job.retried += 1;
  if (run.startedAt !== undefined)
    job.latenessMs.push(Math.max(0, run.startedAt - run.scheduledAt));
  if (run.durationMs !== undefined) job.durationMs.push(run.durationMs);
}
