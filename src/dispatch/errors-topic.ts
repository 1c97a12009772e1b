/**
 * Failure events: what is published to the errors topic when a run fails or expires, and the
 * publisher interface the invoke core and the tick report through.
 */
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { ConfigurationError } from "../errors.js";
import { createJsonLogger } from "../logger.js";
import type { JobLogger } from "../registry/types.js";

/** Kinds of failure event. */
export const FAILURE_EVENT_TYPE = {
  /** An attempt failed (`final`: it was the last one, the run is FAILED). */
  failed: "run.failed",
  /** A deadline schedule's run was not started before its deadline. */
  expired: "run.expired",
  /** An occurrence was not run: later than its schedule's maxLateness (or skipped for good). */
  missed: "run.missed",
  /**
   * A delivery could not be processed (the store failed, a read or write was refused by IAM):
   * the message comes back, and dead-letters if it keeps failing.
   */
  deliveryFailed: "delivery.failed",
} as const;
/** One of {@link FAILURE_EVENT_TYPE}. */
export type FailureEventType = (typeof FAILURE_EVENT_TYPE)[keyof typeof FAILURE_EVENT_TYPE];

/** The JSON message published to the errors topic. */
export interface FailureEvent {
  readonly type: FailureEventType;
  readonly job: string;
  readonly scheduleId: string;
  readonly runId: string;
  readonly attempt: number;
  /** No further attempt will be made. */
  readonly final: boolean;
  /** Bounded as run errors are (message ≤ 4 KiB). */
  readonly error: { readonly name: string; readonly message: string };
  /** ISO-8601 UTC time of the failure. */
  readonly at: string;
}

/**
 * Reports failure events. Implementations never throw: a failure to report must not turn into
 * a failure of the run (they log instead). They resolve `false` when the event could not be
 * published, so that a caller keeping the event durable (the invoke side's `unreported` marker
 * on the run) knows to keep it; `true` or nothing means it was handed over.
 */
export interface ErrorPublisher {
  // biome-ignore lint/suspicious/noConfusingVoidType: publishers written before the answer (`async () => {}`) still fit
  publish(event: FailureEvent): Promise<boolean | void>;
}

/** Options of {@link createSnsErrorPublisher}. */
export interface SnsErrorPublisherOptions {
  /** The errors topic. */
  readonly topicArn: string;
  /** Default: a client configured from the environment. */
  readonly client?: SNSClient;
  /** Where publish failures are logged. Default: JSON lines on standard output. */
  readonly logger?: JobLogger;
}

/**
 * Creates an {@link ErrorPublisher} that publishes each event as JSON to an SNS topic, with
 * the message attributes `job`, `type` and `final` (`"true"`/`"false"`) for subscription
 * filter policies. A failed publish is logged, never thrown.
 *
 * @example
 * ```ts
 * const publisher = createSnsErrorPublisher({ topicArn: process.env.ERRORS_TOPIC_ARN! });
 * await publisher.publish(event);
 * ```
 */
export function createSnsErrorPublisher(options: SnsErrorPublisherOptions): ErrorPublisher {
  const { topicArn } = options;
  if (typeof topicArn !== "string" || !topicArn.startsWith("arn:")) {
    throw new ConfigurationError(
      `createSnsErrorPublisher: topicArn must be an SNS topic ARN (arn:aws:sns:…), got ${JSON.stringify(topicArn)}`,
    );
  }
  const client = options.client ?? new SNSClient({});
  const logger = options.logger ?? createJsonLogger();
  return {
    async publish(event) {
      try {
        await client.send(
          new PublishCommand({
            TopicArn: topicArn,
            Message: JSON.stringify(event),
            MessageAttributes: {
              job: { DataType: "String", StringValue: event.job },
              type: { DataType: "String", StringValue: event.type },
              final: { DataType: "String", StringValue: String(event.final) },
            },
          }),
        );
        return true;
      } catch (error) {
        logger.error("could not publish a failure event to the errors topic", {
          topicArn,
          event,
          error,
        });
        return false;
      }
    },
  };
}

/** An {@link ErrorPublisher} that writes each event as a log line; the default in local mode. */
export function createLogErrorPublisher(logger: JobLogger = createJsonLogger()): ErrorPublisher {
  return {
    async publish(event) {
      logger.error(`${event.type}: ${event.error.message}`, { event });
      return true;
    },
  };
}
