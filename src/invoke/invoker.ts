/**
 * The invoke core: what happens to delivered occurrences, over an injected store, job
 * registry, clock and error publisher, so that the Lambda handler, local mode and tests run
 * the same code. The flow itself is in run.ts.
 */
import type { Context, SQSEvent } from "aws-lambda";
import { type Clock, systemClock } from "../clock.js";
import { deliveryAttempt, envelopeFromSqsRecord, receiveCountOf } from "../dispatch/envelope.js";
import { createLogErrorPublisher, type ErrorPublisher } from "../dispatch/errors-topic.js";
import type { LocalDelivery } from "../dispatch/local.js";
import type { Dispatcher, Envelope } from "../dispatch/types.js";
import type { RetryScheduler } from "../dispatch/visibility.js";
import { ConfigurationError } from "../errors.js";
import { createJsonLogger, type Logger } from "../logger.js";
import { registryJobs } from "../registry/registry.js";
import type { JobLookup } from "../registry/types.js";
import type { ScheduleStore } from "../store/types.js";
import {
  type Delivery,
  type InvokeDeps,
  type InvokeOutcome,
  type InvokeResult,
  isAcknowledged,
} from "./delivery.js";
import { processEnvelope } from "./run.js";

export {
  type Delivery,
  INVOKE_OUTCOME,
  type InvokeOutcome,
  type InvokeResult,
  isAcknowledged,
} from "./delivery.js";

/** Options of {@link createInvoker}. */
export interface InvokerOptions {
  readonly store: ScheduleStore;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** Default: the jobs registered with `defineJob`. */
  readonly jobs?: JobLookup;
  /** Receives a `run.failed` event for every failed attempt. Default: logs them. */
  readonly errorPublisher?: ErrorPublisher;
  /** Delays an SQS record's redelivery (backoff); without it the queue's own timeout applies. */
  readonly retryScheduler?: RetryScheduler;
  /**
   * Sends a run that waits under overlap `buffer-one` as soon as the run it waits for ends
   * (straight to the queue: a `precise` dispatch). Without it, the waiting run starts when its
   * own message comes back, once the run it waited for must be over.
   */
  readonly dispatcher?: Dispatcher;
  /** Default: JSON lines on standard output. */
  readonly logger?: Logger;
  /** Days a finished run is kept (its `expiresAt`). Default 30. */
  readonly retentionDays?: number;
  /** How long before the Lambda deadline jobs are stopped, in ms. Default 3000. */
  readonly deadlineMarginMs?: number;
  /** Seconds past its longest possible attempt after which a RUNNING run counts as dead. Default 60. */
  readonly runningGraceSeconds?: number;
  /** Visibility of a message whose run failed for good, until the queue dead-letters it. Default 0. */
  readonly finalVisibilitySeconds?: number;
  /**
   * The invocations queue's `maxReceiveCount` (its redrive policy). On the receive that reaches
   * it, a failed attempt is final (FAILED, with a final event) even when the job's retry policy
   * allows more: the queue dead-letters the message next, and no retry would come. Default:
   * unknown, and the job's retry policy alone decides.
   */
  readonly maxReceiveCount?: number;
  /**
   * Log one line per delivery (`delivery succeeded`, `delivery busy`…). Default true; a terminal
   * that prints its own line per run turns it off.
   */
  readonly logDeliveries?: boolean;
  /**
   * Sees the result of every delivery of an SQS batch, acknowledged or not, before its record
   * settles (metrics read it there: a failed record settles as its error alone). An observer:
   * what it throws is ignored.
   */
  readonly onResult?: (result: InvokeResult) => void;
}

/** The invoke core; see {@link createInvoker}. */
export interface Invoker {
  /** Processes one delivery of an envelope. Throws only when the store fails. */
  processEnvelope(envelope: Envelope, delivery: Delivery): Promise<InvokeResult>;
  /**
   * Processes an SQS batch, records concurrently. Resolves to one settled result per record, in
   * order: fulfilled when the message is done with, rejected (with the reason) when it must be
   * delivered again. That is the response `@middy/sqs-partial-batch-failure` expects. A record
   * that is not an envelope is rejected with an `EnvelopeError`.
   */
  processSqsEvent(
    event: Pick<SQSEvent, "Records">,
    context?: Partial<Pick<Context, "getRemainingTimeInMillis">>,
  ): Promise<PromiseSettledResult<InvokeResult>[]>;
  /** A consumer for the local dispatcher: resolves when the message is done with, else throws. */
  processLocalDelivery(delivery: LocalDelivery): Promise<InvokeResult>;
}

/** Options of {@link consumeLocalDelivery}. */
export interface LocalConsumeOptions {
  /** Sees each result before the message is deleted or released (run lines, kept records). */
  readonly onResult?: (result: InvokeResult, delivery: LocalDelivery) => void;
  /**
   * Whether the message is delivered again after this outcome. Default: every outcome that is
   * not {@link isAcknowledged}, as on SQS.
   */
  readonly redeliver?: (outcome: InvokeOutcome) => boolean;
}

/**
 * Processes one delivery of the local dispatcher as the Lambda processes an SQS record: the
 * attempt from the receive count, visibility changes passed through; resolves when the message
 * is done with, throws (the outcome's error) when it must come back. The one consumer that
 * `dev`, the CLI's in-process runs and {@link Invoker.processLocalDelivery} share.
 *
 * @example
 * ```ts
 * const dispatcher = createLocalDispatcher({
 *   consumer: (delivery) => consumeLocalDelivery(invoker, delivery, { onResult: print }),
 * });
 * ```
 */
export async function consumeLocalDelivery(
  invoker: Pick<Invoker, "processEnvelope">,
  delivery: LocalDelivery,
  options: LocalConsumeOptions = {},
): Promise<InvokeResult> {
  const { envelope } = delivery;
  const result = await invoker.processEnvelope(envelope, {
    attempt: deliveryAttempt(envelope, delivery.receiveCount),
    receiveCount: delivery.receiveCount,
    changeVisibility: (seconds) => delivery.changeVisibility(seconds),
  });
  options.onResult?.(result, delivery);
  const redeliver = options.redeliver ?? ((outcome) => !isAcknowledged(outcome));
  if (redeliver(result.outcome)) throw result.error;
  return result;
}

/**
 * Creates the invoke core. For each delivery it reads nothing before its first write but the
 * previous run under overlap `skip` (the envelope carries the deadline and overlap policy), and:
 * 1. fails an unknown job for good (run FAILED);
 * 2. records EXPIRED, without running it, a run past the envelope's `deadline` (run-now is exempt);
 * 3. with overlap `skip` (the envelope's, else the job's), records SKIPPED while the previous run
 *    is RUNNING;
 * 4. else starts the run (RUNNING) with one conditional write that also creates it: of concurrent
 *    deliveries, one runs the job. When that first write is refused, it reads the run, then
 *    acknowledges a run that already ended, except a FAILED one, whose message keeps failing so
 *    that the queue dead-letters it; or answers "busy" while another delivery is running it (the
 *    message comes back once that run would be stale, so a runner that died is taken over);
 * 5. runs what the run is, not what its message says: a scheduled run's schedule, read beside
 *    the start, gives the job (a message naming another is refused, FAILED) and current payload,
 *    and a run-now's record gives both; a run whose schedule is gone is orphaned, not run;
 * 6. validates the payload, runs the handler with a signal that fires at its timeout or before
 *    the deadline, and records SUCCEEDED, RETRYING (hiding the message for
 *    `backoffSeconds·2^(attempt−1)`) or FAILED (also on the queue's last receive), publishing
 *    `run.failed` for each failed attempt. Each failure is recorded with an `unreported` marker
 *    that its publish clears, and a later delivery publishes a marker it finds.
 *
 * @example
 * ```ts
 * const invoker = createInvoker({ store, errorPublisher: createSnsErrorPublisher({ topicArn }) });
 * const result = await invoker.processEnvelope(envelope, { attempt: 1 });
 * result.outcome; // "succeeded"
 * ```
 */
export function createInvoker(options: InvokerOptions): Invoker {
  const { store, retryScheduler } = options;
  if (typeof store?.updateRun !== "function") {
    throw new ConfigurationError("createInvoker: store must be a ScheduleStore");
  }
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createJsonLogger();
  const deps: InvokeDeps = {
    logDeliveries: options.logDeliveries ?? true,
    store,
    clock,
    logger,
    jobs: options.jobs ?? registryJobs,
    publisher: options.errorPublisher ?? createLogErrorPublisher(logger),
    retentionDays: nonNegative("retentionDays", options.retentionDays ?? 30),
    graceSeconds: nonNegative("runningGraceSeconds", options.runningGraceSeconds ?? 60),
    finalVisibility: nonNegative("finalVisibilitySeconds", options.finalVisibilitySeconds ?? 0),
    maxReceiveCount: positiveInteger("maxReceiveCount", options.maxReceiveCount),
    dispatcher: options.dispatcher,
  };
  const deadlineMarginMs = nonNegative("deadlineMarginMs", options.deadlineMarginMs ?? 3000);

  const processRecord = async (
    record: SQSEvent["Records"][number],
    deadline: number | undefined,
  ): Promise<InvokeResult> => {
    let envelope: Envelope;
    try {
      envelope = envelopeFromSqsRecord(record);
    } catch (error) {
      logger.error("the message is not a valid envelope", {
        messageId: record.messageId,
        receiveCount: receiveCountOf(record),
        reason: decodingError(error, record.body),
      });
      throw error;
    }
    const receiveCount = receiveCountOf(record);
    const result = await processEnvelope(deps, envelope, {
      attempt: deliveryAttempt(envelope, receiveCount),
      receiveCount,
      ...(deadline === undefined ? {} : { deadline }),
      ...(retryScheduler === undefined
        ? {}
        : {
            changeVisibility: (seconds: number) => retryScheduler.changeVisibility(record, seconds),
          }),
    });
    try {
      options.onResult?.(result);
    } catch {
      // An observer must not turn a run's outcome into another.
    }
    if (!isAcknowledged(result.outcome)) throw result.error;
    return result;
  };

  const invoker: Invoker = {
    processEnvelope: (envelope, delivery) => processEnvelope(deps, envelope, delivery),
    processSqsEvent(event, context) {
      const remaining = context?.getRemainingTimeInMillis?.();
      const deadline =
        remaining === undefined ? undefined : clock.now().getTime() + remaining - deadlineMarginMs;
      return Promise.allSettled(event.Records.map((record) => processRecord(record, deadline)));
    },
    processLocalDelivery: (delivery) => consumeLocalDelivery(invoker, delivery),
  };
  return invoker;
}

/**
 * Why a body is not an envelope, without quoting it: the decoder's message for a body that is
 * not JSON quotes its first 60 characters, which may be anything, so its size is logged instead.
 */
function decodingError(error: unknown, body: unknown): string {
  if (error instanceof Error && error.cause instanceof SyntaxError) {
    return `the body (${Buffer.byteLength(String(body))} bytes) is not JSON`;
  }
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function positiveInteger(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigurationError(
      `createInvoker: ${name} must be a whole number ≥ 1, got ${String(value)}`,
    );
  }
  return value;
}

function nonNegative(name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(
      `createInvoker: ${name} must be a number ≥ 0, got ${String(value)}`,
    );
  }
  return value;
}
