/**
 * The AWS side of the CLI tests on the emulator: a schedule table per store, and an
 * invocations topic whose messages land on a queue the test can read.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SNSClient } from "@aws-sdk/client-sns";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Envelope } from "../../src/dispatch/types.js";
import { createScheduleTable } from "../../src/store/dynamodb/store.js";
import { createTopicWithQueue } from "../dispatch/aws-queues.js";
import { awsClientConfig, awsEnvironment, uniqueName } from "../support/aws.js";

/** The environment of a CLI pointed at a new schedule table on the emulator. */
export async function newTableEnvironment(): Promise<Record<string, string>> {
  const table = uniqueName("cli-schedules");
  await createScheduleTable(new DynamoDBClient(awsClientConfig()), table);
  return { ...awsEnvironment(), LAMBDA_SCHEDULER_TABLE: table };
}

/** An invocations topic subscribed (raw) by a queue, as the stack wires them. */
export interface Invocations {
  readonly topicArn: string;
  readonly queueUrl: string;
  /** The envelopes on the queue now (each received once). */
  receive(): Promise<Envelope[]>;
}

/** Creates the topic and the queue, and subscribes the queue to the topic. */
export async function createInvocations(): Promise<Invocations> {
  const sns = new SNSClient(awsClientConfig());
  const sqs = new SQSClient(awsClientConfig());
  const { topicArn, queue } = await createTopicWithQueue(sns, sqs, "cli-invocations");
  const queueUrl = queue.url;
  return {
    topicArn,
    queueUrl,
    async receive() {
      const envelopes: Envelope[] = [];
      for (;;) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
          }),
        );
        if (Messages.length === 0) return envelopes;
        for (const message of Messages)
          envelopes.push(JSON.parse(message.Body ?? "null") as Envelope);
      }
    },
  };
}
