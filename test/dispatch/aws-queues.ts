/**
 * Queues and topics on the local AWS emulator for the dispatch and handler tests.
 */
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { envelopeFromSqsRecord } from "../../src/dispatch/envelope.js";
import { awsClientConfig, uniqueName } from "../support/aws.js";
import { sqsRecordFromMessage } from "../support/events.js";
import type { Received } from "./contract.js";

export interface TestQueue {
  readonly url: string;
  readonly arn: string;
}

/** Creates a queue with a unique name. */
export async function createQueue(
  sqs: SQSClient,
  prefix: string,
  attributes: Record<string, string> = {},
): Promise<TestQueue> {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: uniqueName(prefix), Attributes: attributes }),
  );
  const url = QueueUrl ?? "";
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
  );
  return { url, arn: Attributes?.QueueArn ?? "" };
}

/** Creates a topic subscribed by a new queue (raw delivery unless `raw` is false). */
export async function createTopicWithQueue(
  sns: SNSClient,
  sqs: SQSClient,
  prefix: string,
  raw = true,
): Promise<{ topicArn: string; queue: TestQueue }> {
  const { TopicArn = "" } = await sns.send(new CreateTopicCommand({ Name: uniqueName(prefix) }));
  const queue = await subscribeNewQueue(sns, sqs, TopicArn, `${prefix}-q`, raw);
  return { topicArn: TopicArn, queue };
}

/** Creates a queue with a unique name and subscribes it to `topicArn` (raw delivery unless `raw` is false). */
export async function subscribeNewQueue(
  sns: SNSClient,
  sqs: SQSClient,
  topicArn: string,
  prefix: string,
  raw = true,
): Promise<TestQueue> {
  const queue = await createQueue(sqs, prefix);
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: "sqs",
      Endpoint: queue.arn,
      Attributes: raw ? { RawMessageDelivery: "true" } : {},
    }),
  );
  return queue;
}

/** Receives (and deletes) up to `count` messages, polling until `waitMs` has passed. */
export async function receiveMessages(
  sqs: SQSClient,
  queue: TestQueue,
  count: number,
  waitMs = 5_000,
): Promise<Message[]> {
  const messages: Message[] = [];
  const deadline = Date.now() + waitMs;
  while (messages.length < count && Date.now() < deadline) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: Math.min(10, count - messages.length),
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
        WaitTimeSeconds: 0,
      }),
    );
    for (const message of Messages) {
      messages.push(message);
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message.ReceiptHandle }),
      );
    }
    if (Messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return messages;
}

/** Receives messages and decodes them as the invoke side would. */
export async function receiveEnvelopes(
  sqs: SQSClient,
  queue: TestQueue,
  count: number,
  waitMs?: number,
): Promise<Received[]> {
  const messages = await receiveMessages(sqs, queue, count, waitMs);
  return messages.map((message) => ({
    envelope: envelopeFromSqsRecord(sqsRecordFromMessage(message, queue.arn)),
    jobAttribute: message.MessageAttributes?.job?.StringValue,
  }));
}

/** SNS and SQS clients on the emulator. */
export function awsClients(): { sns: SNSClient; sqs: SQSClient } {
  return { sns: new SNSClient(awsClientConfig()), sqs: new SQSClient(awsClientConfig()) };
}
