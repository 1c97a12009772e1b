/**
 * The SQS dispatcher: sends occurrences straight to the invocations queue with SendMessageBatch,
 * each with its own DelaySeconds (precise mode: SNS → SQS cannot carry a per-message delay).
 */
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { ConfigurationError } from "../errors.js";
import { chunk, prepare, sendBatches } from "./batch.js";
import { JOB_ATTRIBUTE } from "./envelope.js";
import type { Dispatch, Dispatcher, DispatchResult } from "./types.js";

/** Options of {@link createSqsDispatcher}. */
export interface SqsDispatcherOptions {
  /** The invocations queue. */
  readonly queueUrl: string;
  /** Default: a client configured from the environment. */
  readonly client?: SQSClient;
}

/**
 * Creates a dispatcher that sends each envelope to an SQS queue, ten per SendMessageBatch call
 * (and within its 256 KiB), with `DelaySeconds` from the dispatch (0-900, rounded up) and the
 * job name as the `job` message attribute.
 *
 * @example
 * ```ts
 * const dispatcher = createSqsDispatcher({ queueUrl: process.env.INVOCATIONS_QUEUE_URL! });
 * await dispatcher.dispatch([{ envelope, delaySeconds: 42 }]);
 * ```
 */
export function createSqsDispatcher(options: SqsDispatcherOptions): Dispatcher {
  const { queueUrl } = options;
  if (typeof queueUrl !== "string" || !/^https?:\/\//.test(queueUrl)) {
    throw new ConfigurationError(
      `createSqsDispatcher: queueUrl must be an SQS queue URL (https://sqs.…), got ${JSON.stringify(queueUrl)}`,
    );
  }
  const client = options.client ?? new SQSClient({});
  return {
    async dispatch(dispatches: readonly Dispatch[]): Promise<DispatchResult> {
      const { ready, failed } = prepare(dispatches, "SQS");
      const refused = await sendBatches(chunk(ready), "SQS", (batch) =>
        client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((item) => ({
              Id: item.id,
              MessageBody: item.body,
              DelaySeconds: item.delaySeconds,
              MessageAttributes: { [JOB_ATTRIBUTE]: { DataType: "String", StringValue: item.job } },
            })),
          }),
        ),
      );
      return { failed: [...failed, ...refused] };
    },
  };
}
