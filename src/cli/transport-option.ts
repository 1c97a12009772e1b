/**
 * Where `run` and `tick` send occurrences when the store is DynamoDB: the stack's invocations
 * topic (SNS) and queue (SQS, for precise schedules), and optionally its errors topic.
 */
import { type Command, Option } from "commander";
import type { ErrorPublisher } from "../dispatch/errors-topic.js";
import { createRoutingDispatcher } from "../dispatch/routing.js";
import type { Dispatcher } from "../dispatch/types.js";
import type { JobLogger } from "../registry/types.js";
import { usageError } from "./usage.js";

/** Environment variables of the transport options (the stack's outputs). */
export const TRANSPORT_ENV = {
  topicArn: "LAMBDA_SCHEDULER_TOPIC_ARN",
  queueUrl: "LAMBDA_SCHEDULER_QUEUE_URL",
  errorsTopicArn: "LAMBDA_SCHEDULER_ERRORS_TOPIC_ARN",
  deadLetterQueueUrl: "LAMBDA_SCHEDULER_DEAD_LETTER_QUEUE_URL",
} as const;

/** Parsed values of {@link addTransportOptions}. */
interface TransportOptionValues {
  readonly topicArn?: string;
  readonly queueUrl?: string;
  readonly errorsTopicArn?: string;
}

/** Adds `--topic-arn`, `--queue-url` and (with `errors`) `--errors-topic-arn`. */
export function addTransportOptions(
  command: Command,
  options: { readonly errors: boolean },
): Command {
  command
    .addOption(
      new Option("--topic-arn <arn>", "with --table: the invocations SNS topic").env(
        TRANSPORT_ENV.topicArn,
      ),
    )
    .addOption(
      new Option(
        "--queue-url <url>",
        "with --table: the invocations SQS queue (precise schedules)",
      ).env(TRANSPORT_ENV.queueUrl),
    );
  if (options.errors) {
    command.addOption(
      new Option(
        "--errors-topic-arn <arn>",
        "with --table: publish MISSED and EXPIRED runs here (default: log them)",
      ).env(TRANSPORT_ENV.errorsTopicArn),
    );
  }
  return command;
}

/** What the stack must be told for this command, for the usage error. */
function missing(command: Command, what: string, flags: string): never {
  usageError(
    command,
    `${command.name()} on DynamoDB sends runs to ${what}: give ${flags} (the stack's outputs)`,
  );
}

/**
 * The dispatcher the Lambda tick uses (SNS for standard runs, SQS for precise ones), from the
 * options. `needs` says which sides must be configured: a missing one is a usage error, found
 * before anything is written. The SDK clients are loaded only here.
 */
export async function awsDispatcher(
  command: Command,
  needs: { readonly standard: boolean; readonly precise: boolean },
): Promise<Dispatcher> {
  const { topicArn, queueUrl } = command.opts<TransportOptionValues>();
  const wantTopic = needs.standard && (topicArn === undefined || topicArn === "");
  const wantQueue = needs.precise && (queueUrl === undefined || queueUrl === "");
  if (wantTopic && wantQueue) {
    missing(
      command,
      "the invocations topic and queue",
      `--topic-arn ARN and --queue-url URL (${TRANSPORT_ENV.topicArn}, ${TRANSPORT_ENV.queueUrl})`,
    );
  }
  if (wantTopic)
    missing(command, "the invocations topic", `--topic-arn ARN (${TRANSPORT_ENV.topicArn})`);
  if (wantQueue) {
    missing(
      command,
      "the invocations queue for precise schedules",
      `--queue-url URL (${TRANSPORT_ENV.queueUrl})`,
    );
  }
  const { createSnsDispatcher } = await import("../dispatch/sns.js");
  const { createSqsDispatcher } = await import("../dispatch/sqs.js");
  const unused: Dispatcher = {
    async dispatch() {
      throw new Error("not configured");
    },
  };
  return createRoutingDispatcher({
    standard: topicArn ? createSnsDispatcher({ topicArn }) : unused,
    precise: queueUrl ? createSqsDispatcher({ queueUrl }) : unused,
  });
}

/** Where MISSED and EXPIRED runs are reported: the errors topic if given, else the log. */
export async function errorReporter(command: Command, logger: JobLogger): Promise<ErrorPublisher> {
  const { errorsTopicArn } = command.opts<TransportOptionValues>();
  const { createLogErrorPublisher, createSnsErrorPublisher } = await import(
    "../dispatch/errors-topic.js"
  );
  return errorsTopicArn
    ? createSnsErrorPublisher({ topicArn: errorsTopicArn, logger })
    : createLogErrorPublisher(logger);
}
