/**
 * snsErrorRepublish: when a handler fails as a whole, the runs it was processing are reported
 * on the errors topic, so that nobody has to read logs to learn that they failed.
 */
import type { SNSClient } from "@aws-sdk/client-sns";
import type { MiddlewareObj, Request } from "@middy/core";
import type { Clock } from "../clock.js";
import { systemClock } from "../clock.js";
import {
  createSnsErrorPublisher,
  type ErrorPublisher,
  FAILURE_EVENT_TYPE,
  type FailureEvent,
} from "../dispatch/errors-topic.js";
import { JobFailedError } from "../errors.js";
import { createJsonLogger } from "../logger.js";
import type { JobLogger } from "../registry/types.js";
import { boundedRunError, normalizeError, type RunContext } from "../run-errors.js";
import { checkOptionKeys, optionError } from "./options.js";
import { recordRunContext, sqsRecordsOf } from "./records.js";

/** Options of {@link snsErrorRepublish}: a topic (and client), or a ready publisher. */
export interface SnsErrorRepublishOptions {
  /** The errors topic; required unless `publisher` is given. */
  readonly topicArn?: string;
  /** Default: a client configured from the environment. */
  readonly client?: SNSClient;
  /** Publishes instead of a publisher built from `topicArn` (e.g. the one the core uses). */
  readonly publisher?: ErrorPublisher;
  /** Where publish failures are logged. */
  readonly logger?: JobLogger;
  /** Stamps each event's `at`. Default: the system clock. */
  readonly clock?: Clock;
}

/**
 * Middy middleware whose `onError` publishes a `run.failed` event for each run the failed
 * request was about, then lets the error continue:
 * - a `JobFailedError` (as `errorCapture` makes) is reported with its own context;
 * - otherwise, for an SQS event, each record whose body is an envelope is reported, with the
 *   attempt from its receive count.
 *
 * `final` is `false`: an error that escapes the handler hands the message back to the queue,
 * which delivers it again (or dead-letters it). Publishing never throws; failures are logged.
 * Use it after (inside) `sqsPartialBatchFailure` and before (outside) `errorCapture`.
 *
 * @example
 * ```ts
 * middy(handler).use(snsErrorRepublish({ topicArn: process.env.ERRORS_TOPIC_ARN! })).use(errorCapture());
 * ```
 */
export function snsErrorRepublish(
  options: SnsErrorRepublishOptions,
): MiddlewareObj<unknown, unknown> {
  const given = checkOptionKeys("snsErrorRepublish", options, [
    "topicArn",
    "client",
    "publisher",
    "logger",
    "clock",
  ]);
  const { topicArn, client, publisher: injected, logger, clock } = { clock: systemClock, ...given };
  if (injected !== undefined && typeof injected?.publish !== "function") {
    optionError("snsErrorRepublish", "publisher", "an object with a publish method", injected);
  }
  if (injected === undefined && (typeof topicArn !== "string" || !topicArn.startsWith("arn:"))) {
    optionError(
      "snsErrorRepublish",
      "topicArn",
      "an SNS topic ARN (arn:aws:sns:…) when no publisher is given",
      topicArn,
    );
  }
  const publisher =
    injected ??
    createSnsErrorPublisher({
      topicArn: topicArn as string,
      ...(client === undefined ? {} : { client }),
      ...(logger === undefined ? {} : { logger }),
    });

  const fallbackLogger = logger ?? createJsonLogger();

  const snsErrorRepublishOnError = async (request: Request<unknown, unknown>): Promise<void> => {
    const error = normalizeError(request.error);
    const contexts: RunContext[] =
      error instanceof JobFailedError
        ? [error]
        : (sqsRecordsOf(request.event) ?? []).flatMap((record) => recordRunContext(record) ?? []);
    const at = clock.now().toISOString();
    const { name, message } = boundedRunError(error);
    await Promise.all(
      contexts.map((context) => {
        const event: FailureEvent = {
          type: FAILURE_EVENT_TYPE.failed,
          job: context.job,
          scheduleId: context.scheduleId,
          runId: context.runId,
          attempt: context.attempt,
          final: false,
          error: { name, message },
          at,
        };
        return publisher.publish(event).catch((publishError: unknown) => {
          // The publisher promises not to throw; a custom one might, and must not mask the error.
          fallbackLogger.error("could not publish a failure event", { event, error: publishError });
        });
      }),
    );
  };

  return { onError: snsErrorRepublishOnError };
}
