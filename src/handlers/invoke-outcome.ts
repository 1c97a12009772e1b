/**
 * What one delivery of an occurrence came to, and whether its message is done with.
 */
import type { RunRecord } from "../store/types.js";

/** What processing one delivery did. */
export const INVOKE_OUTCOME = {
  /** The job ran and succeeded; the run is SUCCEEDED. */
  succeeded: "succeeded",
  /** Overlap `skip`: the schedule's previous run was still RUNNING; the run is SKIPPED. */
  skipped: "skipped",
  /** The run had already ended (SUCCEEDED, SKIPPED, MISSED, EXPIRED): a redelivery, ignored. */
  duplicate: "duplicate",
  /** Another delivery is running this run; this message comes back once that one must be over. */
  busy: "busy",
  /** The job failed and will be retried after its backoff; the run is RETRYING. */
  failedRetry: "failed-retry",
  /** The job failed for the last time (or is unknown, or its payload invalid); the run is FAILED. */
  failedFinal: "failed-final",
  /** The run is already FAILED: the message keeps failing so that the queue dead-letters it. */
  deadLetter: "dead-letter",
  /** Neither the run nor its schedule exists any more (the schedule was deleted): dropped. */
  orphaned: "orphaned",
} as const;
/** One of {@link INVOKE_OUTCOME}. */
export type InvokeOutcome = (typeof INVOKE_OUTCOME)[keyof typeof INVOKE_OUTCOME];

/** The result of processing one delivery. */
export interface InvokeResult {
  readonly outcome: InvokeOutcome;
  readonly runId: string;
  /** The attempt this delivery was. */
  readonly attempt: number;
  /** Why the delivery did not succeed; absent for acknowledged outcomes. */
  readonly error?: Error;
  /** The run as this delivery last wrote or read it. */
  readonly run?: RunRecord;
}

/**
 * Whether the message is done with (deleted from the queue) after this outcome; otherwise its
 * record is reported as failed so that the queue delivers it again or dead-letters it.
 *
 * @example
 * ```ts
 * if (!isAcknowledged(result.outcome)) throw result.error;
 * ```
 */
export function isAcknowledged(outcome: InvokeOutcome): boolean {
  switch (outcome) {
    case INVOKE_OUTCOME.succeeded:
    case INVOKE_OUTCOME.skipped:
    case INVOKE_OUTCOME.duplicate:
    case INVOKE_OUTCOME.orphaned:
      return true;
    case INVOKE_OUTCOME.busy:
    case INVOKE_OUTCOME.failedRetry:
    case INVOKE_OUTCOME.failedFinal:
    case INVOKE_OUTCOME.deadLetter:
      return false;
    default: {
      const unexpected: never = outcome;
      throw new Error(`unknown invoke outcome ${String(unexpected)}`);
    }
  }
}
