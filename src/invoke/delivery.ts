/**
 * One delivery's toolkit: its identity, its log, and the moves every branch of the invoke flow
 * ends with (record, report, hide the message, answer); and what a delivery came to, and
 * whether its message is done with.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../clock.js";
import {
  type ErrorPublisher,
  FAILURE_EVENT_TYPE,
  type FailureEvent,
  type FailureEventType,
} from "../dispatch/errors-topic.js";
import type { Dispatcher, Envelope } from "../dispatch/types.js";
import { MAX_VISIBILITY_SECONDS } from "../dispatch/visibility.js";
import { ConflictError, SchedulerError } from "../errors.js";
import type { Logger } from "../logger.js";
import { MAX_TIMEOUT_SECONDS } from "../registry/define.js";
import type { Job, JobLookup } from "../registry/types.js";
import { boundedRunError } from "../run-errors.js";
import {
  FINAL_RUN_STATUSES,
  RUN_STATUS,
  type RunChanges,
  type RunRecord,
  type RunStatus,
  type ScheduleStore,
  type UnreportedEvent,
} from "../store/types.js";

/** What processing one delivery did. */
export const INVOKE_OUTCOME = {
  /** The job ran and succeeded; the run is SUCCEEDED. */
  succeeded: "succeeded",
  /**
   * Not run: overlap `skip` while the schedule's previous run was RUNNING, or `buffer-one` while
   * another run already waited; the run is SKIPPED. Also a deadline run delivered too late.
   */
  skipped: "skipped",
  /**
   * Overlap `buffer-one`: the previous run is RUNNING, so the run is BUFFERED. The run that
   * ends sends it again; its own message comes back once that run must be over, in case not.
   */
  buffered: "buffered",
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
  /**
   * The run's schedule is gone (deleted since the send, or never existed): nothing is run and
   * the message is dropped.
   */
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
    case INVOKE_OUTCOME.buffered:
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

/** One delivery of an envelope. */
export interface Delivery {
  /**
   * Which attempt this is: `deliveryAttempt(envelope, receiveCount)`. The invoke side reads
   * nothing before it starts a run, so this is the attempt recorded and checked against the
   * retry policy: a duplicate message counts its own receives, not the run's earlier attempts.
   */
  readonly attempt: number;
  /**
   * The transport's receive count of this message (1 on its first delivery). On the receive
   * that reaches the queue's `maxReceiveCount`, a failed attempt is final: the queue
   * dead-letters the message next, so no retry would come.
   */
  readonly receiveCount?: number;
  /** Epoch ms by which the attempt must be over; the job's signal fires then. */
  readonly deadline?: number;
  /** Hides the message for `seconds` (ChangeMessageVisibility or its local equivalent). */
  readonly changeVisibility?: (seconds: number) => Promise<void> | void;
}

/** What the invoke flow is built from, with defaults applied. */
export interface InvokeDeps {
  readonly store: ScheduleStore;
  readonly clock: Clock;
  readonly jobs: JobLookup;
  readonly logger: Logger;
  readonly publisher: ErrorPublisher;
  readonly retentionDays: number;
  readonly graceSeconds: number;
  readonly finalVisibility: number;
  /** The queue's maxReceiveCount, when known: see {@link Delivery.receiveCount}. */
  readonly maxReceiveCount: number | undefined;
  /** Whether each delivery ends with a `delivery <outcome>` log line. */
  readonly logDeliveries: boolean;
  /** Sends a run that waited under overlap `buffer-one` once the run it waited for ends. */
  readonly dispatcher: Dispatcher | undefined;
}

/**
 * The statuses a run can be started (or skipped, or failed) from; a run that does not exist yet
 * (a scheduled occurrence has no record until it starts) is created by the same write.
 */
export const STARTABLE: readonly RunStatus[] = [
  RUN_STATUS.PENDING,
  RUN_STATUS.DISPATCHED,
  RUN_STATUS.RETRYING,
  RUN_STATUS.BUFFERED,
];

/** Builds the helpers one delivery's flow uses. */
export function deliveryScope(deps: InvokeDeps, envelope: Envelope, delivery: Delivery) {
  const { store, clock, publisher } = deps;
  const { attempt } = delivery;
  const { runId, scheduleId } = envelope;
  const scheduledAt = Date.parse(envelope.scheduledAt);
  const log = deps.logger.child({ runId, scheduleId, job: envelope.job, attempt });
  // Written with RUNNING: a delivery that finds RUNNING under its own token after a refused
  // start wrote it itself (the answer to its first try was lost and the SDK retried).
  const token = randomUUID();
  const now = (): number => clock.now().getTime();
  const expiresAt = (finishedAt: number): number =>
    Math.floor(finishedAt / 1000) + deps.retentionDays * 86_400;

  const done = (
    outcome: InvokeOutcome,
    run: RunRecord | undefined,
    error?: Error,
  ): InvokeResult => {
    if (deps.logDeliveries) {
      log[isAcknowledged(outcome) ? "info" : "warn"](`delivery ${outcome}`, {
        status: run?.status,
        error: error?.message,
      });
    }
    return {
      outcome,
      runId,
      attempt,
      ...(error === undefined ? {} : { error }),
      ...(run === undefined ? {} : { run }),
    };
  };

  const hide = async (seconds: number): Promise<void> => {
    try {
      await delivery.changeVisibility?.(seconds);
    } catch (error) {
      log.warn("could not delay the message; the queue's visibility timeout applies", {
        seconds,
        error,
      });
    }
  };

  /**
   * The first write of a delivery, made without reading anything: creates the run, or moves it
   * from a startable status (or a stale RUNNING one), to `fields`. Undefined when its condition
   * lost: then {@link lost} reads what the run is.
   */
  const start = async (
    fields: Pick<RunRecord, "status"> & RunChanges,
    staleRunningBefore: number,
  ): Promise<RunRecord | undefined> => {
    const at = now();
    const run: RunRecord = {
      runId,
      scheduleId,
      job: envelope.job,
      scheduledAt,
      // The jitter is not in the envelope; scheduledAt is the best this side knows.
      dueAt: scheduledAt,
      attempt,
      createdAt: at,
      updatedAt: at,
      // Kept until the run ends, so that a run whose runner died still expires one day.
      expiresAt: expiresAt(at),
      owner: token,
      ...(envelope.manual === true ? { manual: true } : {}),
      ...fields,
    };
    try {
      return await store.startRun(run, { expect: STARTABLE, staleRunningBefore });
    } catch (error) {
      if (error instanceof ConflictError) return undefined;
      throw error;
    }
  };

  /**
   * A write after the start (SUCCEEDED, RETRYING, FAILED), on the condition that the run is still
   * RUNNING; undefined when another delivery took it over meanwhile.
   */
  const finish = async (changes: RunChanges): Promise<RunRecord | undefined> => {
    try {
      return await store.updateRun(
        scheduleId,
        scheduledAt,
        { updatedAt: now(), ...changes },
        { expect: [RUN_STATUS.RUNNING] },
      );
    } catch (error) {
      if (error instanceof ConflictError) return undefined;
      throw error;
    }
  };

  /** The run had ended before this delivery. */
  const ended = async (run: RunRecord): Promise<InvokeResult> => {
    if (run.status !== RUN_STATUS.FAILED) return done(INVOKE_OUTCOME.duplicate, run);
    await hide(deps.finalVisibility);
    const error = new SchedulerError(
      `run "${runId}" already FAILED; this delivery fails so that the queue moves the message to its dead-letter queue`,
    );
    return done(INVOKE_OUTCOME.deadLetter, run, error);
  };

  /** Hides the message until the RUNNING `run` must be over; returns the seconds. */
  const hideUntilStale = async (run: RunRecord, job: Job | undefined): Promise<number> => {
    const staleAt = (run.startedAt ?? now()) + staleAfterMs(job, deps.graceSeconds);
    const seconds = Math.min(
      MAX_VISIBILITY_SECONDS,
      Math.max(1, Math.ceil((staleAt - now()) / 1000)),
    );
    await hide(seconds);
    return seconds;
  };

  /** Another delivery holds the run: look again once it must be over. */
  const busy = async (run: RunRecord, job: Job | undefined): Promise<InvokeResult> => {
    const seconds = await hideUntilStale(run, job);
    const error = new ConflictError(
      `run "${runId}" is ${run.status} in another delivery; this message comes back in ${seconds} s to check on it`,
      { scheduleId },
    );
    return done(INVOKE_OUTCOME.busy, run, error);
  };

  /** Reads the run after a refused write, to see who won. */
  const readBack = (): Promise<RunRecord | undefined> => store.getRun(scheduleId, scheduledAt);

  /** Whether `run` is RUNNING under this delivery's own start (its answer was lost). */
  const ownStart = (run: RunRecord | undefined): run is RunRecord =>
    run?.status === RUN_STATUS.RUNNING && run.owner === token;

  /**
   * A conditional write lost: whoever won decides what this delivery is. A failure event the
   * run still holds as unreported is published first (see {@link reportUnreported}).
   */
  const lost = async (job: Job | undefined, read?: RunRecord): Promise<InvokeResult> => {
    const current = read ?? (await readBack());
    if (current === undefined) return done(INVOKE_OUTCOME.orphaned, undefined);
    // A RUNNING run's marker is its runner's to publish, right after its start.
    if (current.status !== RUN_STATUS.RUNNING) await reportUnreported(current);
    if (FINAL_RUN_STATUSES.includes(current.status)) return ended(current);
    return busy(current, job);
  };

  /** Publishes `event`; true when it was handed over. A throwing publisher is logged. */
  const publish = async (event: FailureEvent): Promise<boolean> => {
    try {
      return (await publisher.publish(event)) !== false;
    } catch (publishError) {
      // Publishers promise not to throw; a custom one might, and the run is recorded already.
      log.error("could not publish a failure event", { event, error: publishError });
      return false;
    }
  };

  /**
   * Clears the run's unreported marker once its event is published, on the condition that the
   * run is still in the status it was read in (a newer write keeps its own marker). Best
   * effort: should it fail, a later delivery publishes the event again (at least once).
   */
  const clearUnreported = async (run: RunRecord): Promise<void> => {
    try {
      await store.updateRun(
        scheduleId,
        scheduledAt,
        { updatedAt: now(), unreported: undefined },
        { expect: [run.status] },
      );
    } catch (error) {
      if (error instanceof ConflictError) return;
      log.warn("could not clear the run's unreported failure event; it may be published again", {
        error,
      });
    }
  };

  /**
   * The event of a failure recorded on `run` (its `error`, its `unreported` marker) that an
   * earlier delivery did not get to publish: it stopped between its write and its publish.
   */
  const reportUnreported = async (run: RunRecord): Promise<void> => {
    const marker = run.unreported;
    if (marker === undefined) return;
    const event: FailureEvent = {
      type: eventTypeOf(marker),
      job: run.job,
      scheduleId,
      runId,
      attempt: marker.attempt,
      final: marker.final,
      error: {
        name: run.error?.name ?? "Error",
        message: run.error?.message ?? `run "${runId}" failed on attempt ${marker.attempt}`,
      },
      at: new Date(run.finishedAt ?? run.updatedAt).toISOString(),
    };
    log.info("publishing a failure event an earlier delivery recorded but did not publish", {
      type: event.type,
      failedAttempt: marker.attempt,
    });
    if (await publish(event)) await clearUnreported(run);
  };

  /** The marker the write recording a failure sets; see {@link UnreportedEvent}. */
  const unreported = (final: boolean, type: FailureEventType): UnreportedEvent => ({
    type,
    final,
    attempt,
  });

  /**
   * Publishes the failure this delivery recorded (`recorded`, with its marker; undefined when
   * the write did not take) and, once published, clears the marker.
   */
  const report = async (
    error: Error,
    final: boolean,
    type: FailureEventType = FAILURE_EVENT_TYPE.failed,
    recorded?: RunRecord,
  ): Promise<void> => {
    const { name, message } = boundedRunError(error);
    const published = await publish({
      type,
      job: envelope.job,
      scheduleId,
      runId,
      attempt,
      final,
      error: { name, message },
      at: clock.now().toISOString(),
    });
    if (published && recorded?.unreported !== undefined) await clearUnreported(recorded);
  };

  return {
    attempt,
    envelopeJob: envelope.job,
    scheduledAt,
    log,
    now,
    expiresAt,
    done,
    hide,
    start,
    finish,
    ended,
    busy,
    hideUntilStale,
    readBack,
    ownStart,
    lost,
    report,
    reportUnreported,
    unreported,
  };
}

const EVENT_TYPES: readonly string[] = Object.values(FAILURE_EVENT_TYPE);

/** The event type a marker names; one this code does not know is reported as a failure. */
function eventTypeOf(marker: UnreportedEvent): FailureEventType {
  return EVENT_TYPES.includes(marker.type)
    ? (marker.type as FailureEventType)
    : FAILURE_EVENT_TYPE.failed;
}

/** The helpers of one delivery. */
export type DeliveryScope = ReturnType<typeof deliveryScope>;

/**
 * How long a RUNNING run may go without finishing before its runner is presumed dead: the
 * longest an attempt can last (its timeout, else Lambda's 15 minutes) plus a grace period.
 */
export function staleAfterMs(job: Job | undefined, graceSeconds: number): number {
  return ((job?.timeoutSeconds ?? MAX_TIMEOUT_SECONDS) + graceSeconds) * 1000;
}
