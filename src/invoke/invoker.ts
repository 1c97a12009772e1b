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
import type { Envelope } from "../dispatch/types.js";
import type { RetryScheduler } from "../dispatch/visibility.js";
import { ConfigurationError } from "../errors.js";
import { createJsonLogger, type Logger } from "../logger.js";
import { registryJobs } from "../registry/registry.js";
import type { JobLookup } from "../registry/types.js";
import type { ScheduleStore } from "../store/types.js";
import { type Delivery, type InvokeDeps, type InvokeResult, isAcknowledged } from "./delivery.js";
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

/**
 * Creates the invoke core. For each delivery it:
 * 1. acknowledges a run that already ended, except a FAILED one, whose message keeps failing so
 *    that the queue dead-letters it; drops a message whose schedule was deleted;
 * 2. answers "busy" while another delivery is running the run (the message comes back once that
 *    run would be stale, so a runner that died is taken over);
 * 3. fails an unknown job for good (run FAILED);
 * 4. with overlap `skip` (the schedule's, else the job's), records SKIPPED while the previous run
 *    is RUNNING;
 * 5. starts the run with a conditional write: of concurrent deliveries, one runs the job;
 * 6. validates the payload, runs the handler with a signal that fires at its timeout or before
 *    the deadline, and records SUCCEEDED, RETRYING (hiding the message for
 *    `backoffSeconds·2^(attempt−1)`) or FAILED, publishing `run.failed` for each failed attempt.
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
    store,
    clock,
    logger,
    jobs: options.jobs ?? registryJobs,
    publisher: options.errorPublisher ?? createLogErrorPublisher(logger),
    retentionDays: nonNegative("retentionDays", options.retentionDays ?? 30),
    graceSeconds: nonNegative("runningGraceSeconds", options.runningGraceSeconds ?? 60),
    finalVisibility: nonNegative("finalVisibilitySeconds", options.finalVisibilitySeconds ?? 0),
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
      logger.error("the message is not a valid envelope", { messageId: record.messageId, error });
      throw error;
    }
    const result = await processEnvelope(deps, envelope, {
      attempt: deliveryAttempt(envelope, receiveCountOf(record)),
      ...(deadline === undefined ? {} : { deadline }),
      ...(retryScheduler === undefined
        ? {}
        : {
            changeVisibility: (seconds: number) => retryScheduler.changeVisibility(record, seconds),
          }),
    });
    if (!isAcknowledged(result.outcome)) throw result.error;
    return result;
  };

  return {
    processEnvelope: (envelope, delivery) => processEnvelope(deps, envelope, delivery),
    processSqsEvent(event, context) {
      const remaining = context?.getRemainingTimeInMillis?.();
      const deadline =
        remaining === undefined ? undefined : clock.now().getTime() + remaining - deadlineMarginMs;
      return Promise.allSettled(event.Records.map((record) => processRecord(record, deadline)));
    },
    async processLocalDelivery(delivery) {
      const { envelope } = delivery;
      const result = await processEnvelope(deps, envelope, {
        attempt: deliveryAttempt(envelope, delivery.receiveCount),
        changeVisibility: (seconds) => delivery.changeVisibility(seconds),
      });
      if (!isAcknowledged(result.outcome)) throw result.error;
      return result;
    },
  };
}

function nonNegative(name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(
      `createInvoker: ${name} must be a number ≥ 0, got ${String(value)}`,
    );
  }
  return value;
}
