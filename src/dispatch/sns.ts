/**
 * The SNS dispatcher: publishes occurrences to the invocations topic with PublishBatch; the
 * topic's SQS subscription (raw delivery) carries them to the invoke function.
 */
import { PublishBatchCommand, SNSClient } from "@aws-sdk/client-sns";
import { ConfigurationError, DispatchError } from "../errors.js";
import { chunk, prepare, sendBatches } from "./batch.js";
import { JOB_ATTRIBUTE } from "./envelope.js";
import type { Dispatch, Dispatcher, DispatchResult } from "./types.js";

/** Options of {@link createSnsDispatcher}. */
export interface SnsDispatcherOptions {
  /** The invocations topic. */
  readonly topicArn: string;
  /** Default: a client configured from the environment. */
  readonly client?: SNSClient;
}

/**
 * Creates a dispatcher that publishes each envelope to an SNS topic, ten per PublishBatch call
 * (and within its 256 KiB), with the job name as the `job` message attribute.
 *
 * SNS cannot delay a message: a dispatch with `delaySeconds` above 0 is reported as failed
 * rather than delivered early (route it to SQS, see `createRoutingDispatcher`).
 *
 * @example
 * ```ts
 * const dispatcher = createSnsDispatcher({ topicArn: process.env.INVOCATIONS_TOPIC_ARN! });
 * const { failed } = await dispatcher.dispatch([{ envelope }]);
 * ```
 */
export function createSnsDispatcher(options: SnsDispatcherOptions): Dispatcher {
  const { topicArn } = options;
  if (typeof topicArn !== "string" || !topicArn.startsWith("arn:")) {
    throw new ConfigurationError(
      `createSnsDispatcher: topicArn must be an SNS topic ARN (arn:aws:sns:…), got ${JSON.stringify(topicArn)}`,
    );
  }
  const client = options.client ?? new SNSClient({});
  return {
    async dispatch(dispatches: readonly Dispatch[]): Promise<DispatchResult> {
      const delayed = dispatches.filter((dispatch) => (dispatch.delaySeconds ?? 0) > 0);
      const immediate = dispatches.filter((dispatch) => (dispatch.delaySeconds ?? 0) <= 0);
      const { ready, failed } = prepare(immediate, "SNS");
      for (const dispatch of delayed) {
        failed.push({
          runId: dispatch.envelope.runId,
          error: new DispatchError(
            `SNS cannot delay run "${dispatch.envelope.runId}" by ${dispatch.delaySeconds} s: send delayed occurrences to the SQS queue`,
          ),
        });
      }
      const refused = await sendBatches(chunk(ready), "SNS", (batch) =>
        client.send(
          new PublishBatchCommand({
            TopicArn: topicArn,
            PublishBatchRequestEntries: batch.map((item) => ({
              Id: item.id,
              Message: item.body,
              MessageAttributes: { [JOB_ATTRIBUTE]: { DataType: "String", StringValue: item.job } },
            })),
          }),
        ),
      );
      return { failed: [...failed, ...refused] };
    },
  };
}
