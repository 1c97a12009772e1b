/**
 * Retry backoff through the queue: a failed message is hidden for the backoff delay with
 * ChangeMessageVisibility, so SQS itself delivers the retry (and counts the receives that
 * lead to the dead-letter queue).
 */
import { ChangeMessageVisibilityCommand, GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DispatchError } from "../errors.js";

/** SQS's longest visibility timeout: 12 hours. */
export const MAX_VISIBILITY_SECONDS = 43_200;

/** The parts of an SQS record that identify its message in its queue. */
export interface QueueMessageRef {
  readonly messageId?: string;
  readonly receiptHandle: string;
  /** `arn:aws:sqs:<region>:<account>:<queue name>` */
  readonly eventSourceARN: string;
}

/** Delays the next delivery of a message being processed. */
export interface RetryScheduler {
  /** The message becomes visible again `seconds` (0-43200) from now. */
  changeVisibility(message: QueueMessageRef, seconds: number): Promise<void>;
}

/** Options of {@link createSqsRetryScheduler}. */
export interface SqsRetrySchedulerOptions {
  /** Default: a client configured from the environment. */
  readonly client?: SQSClient;
}

/**
 * Creates a {@link RetryScheduler} on SQS ChangeMessageVisibility. The queue URL is resolved
 * from the record's `eventSourceARN` with GetQueueUrl (once per queue), which works on every
 * endpoint, unlike building the URL from the ARN. Failures throw {@link DispatchError}.
 *
 * @example
 * ```ts
 * const retries = createSqsRetryScheduler();
 * await retries.changeVisibility(record, 60);
 * ```
 */
export function createSqsRetryScheduler(options: SqsRetrySchedulerOptions = {}): RetryScheduler {
  const client = options.client ?? new SQSClient({});
  const urls = new Map<string, Promise<string>>();
  const queueUrl = (arn: string): Promise<string> => {
    let url = urls.get(arn);
    if (url === undefined) {
      url = resolveQueueUrl(client, arn);
      // A failed lookup must not be cached: the next retry asks again.
      url.catch(() => urls.delete(arn));
      urls.set(arn, url);
    }
    return url;
  };
  return {
    async changeVisibility(message, seconds) {
      const timeout = Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(seconds)));
      try {
        await client.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: await queueUrl(message.eventSourceARN),
            ReceiptHandle: message.receiptHandle,
            VisibilityTimeout: timeout,
          }),
        );
      } catch (error) {
        throw new DispatchError(
          `could not delay message ${message.messageId ?? ""} of ${message.eventSourceARN} by ${timeout} s: ${(error as Error).message}`,
          { cause: error },
        );
      }
    },
  };
}

async function resolveQueueUrl(client: SQSClient, arn: string): Promise<string> {
  const parts = arn.split(":");
  const [prefix, , service, , account, name] = parts;
  if (prefix !== "arn" || service !== "sqs" || parts.length !== 6 || !account || !name) {
    throw new DispatchError(`not an SQS queue ARN: ${JSON.stringify(arn)}`);
  }
  const { QueueUrl } = await client.send(
    new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }),
  );
  if (QueueUrl === undefined) throw new DispatchError(`SQS returned no URL for ${arn}`);
  return QueueUrl;
}
