/**
 * The transport contract: how a claimed occurrence travels from the tick to the invoke side.
 * Implementations: SNS (PublishBatch), SQS (SendMessageBatch with DelaySeconds), local
 * (in-process). One contract suite (test/dispatch/contract.ts) runs against each.
 */
import type { JsonValue } from "../json.js";
import type { Overlap } from "../registry/types.js";

/** The message every transport carries, JSON-encoded. Decode with `decodeEnvelope`. */
export interface Envelope {
  readonly v: 1;
  /** `<scheduleId>@<scheduled ISO time>`; the idempotency key. */
  readonly runId: string;
  readonly scheduleId: string;
  readonly job: string;
  readonly payload: JsonValue;
  /** ISO-8601 UTC. */
  readonly scheduledAt: string;
  /** The dispatch number: 1 from the tick; the transport's redeliveries add to it. */
  readonly attempt: number;
  /**
   * What the invoke side needs of the schedule to decide whether and how to start the run,
   * before its read of the schedule comes back: a deadline schedule's deadline (ISO-8601 UTC;
   * never started after it)…
   */
  readonly deadline?: string;
  /** …the schedule's own overlap policy, when it overrides the job's… */
  readonly overlap?: Overlap;
  /** …whether a run that succeeds leaves no record (the schedule's history is `failures`)… */
  readonly history?: "failures";
  /** …and whether run-now asked for it (exempt from the deadline). */
  readonly manual?: true;
}

/** SQS's largest DelaySeconds. */
export const MAX_DELAY_SECONDS = 900;

/** One occurrence to send. */
export interface Dispatch {
  readonly envelope: Envelope;
  /** Deliver no earlier than this many seconds from now (0–900). Only SQS and local honour it. */
  readonly delaySeconds?: number;
  /**
   * Send straight to the queue (precise mode) rather than through the topic, even without a
   * delay. The routing dispatcher sends a dispatch to its `precise` side when this is set or
   * `delaySeconds` is above 0.
   */
  readonly precise?: boolean;
}

/** What a dispatch call did: the run ids that were not accepted, with why. */
export interface DispatchResult {
  readonly failed: readonly { readonly runId: string; readonly error: Error }[];
}

/**
 * Hands occurrences to a transport.
 *
 * Promises: every occurrence not listed in `failed` was accepted by the transport, which
 * delivers it at least once. Does not promise order, or exactly-once delivery: consumers
 * deduplicate by `runId`. Throws only for a failure of the whole call (e.g. bad configuration).
 */
export interface Dispatcher {
  dispatch(dispatches: readonly Dispatch[]): Promise<DispatchResult>;
}
