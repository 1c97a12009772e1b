/**
 * The production wiring on the local AWS emulator: the schedule table, the invocations topic
 * subscribed (raw delivery) by the invocations queue with its dead-letter queue, the errors
 * topic subscribed by a queue the test reads, the tick's shard queue, and the tick and invoke
 * handlers over them. A "Lambda" is played by {@link E2eStack.pump}: receive a batch, hand it
 * to the invoke handler, delete what it acknowledged, as the SQS event source mapping does.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSRecord } from "aws-lambda";
import { type Clock, systemClock } from "../../src/clock.js";
import { createSnsErrorPublisher, type FailureEvent } from "../../src/dispatch/errors-topic.js";
import { createRoutingDispatcher } from "../../src/dispatch/routing.js";
import { createShardQueue } from "../../src/dispatch/shard-queue.js";
import { createSnsDispatcher } from "../../src/dispatch/sns.js";
import { createSqsDispatcher } from "../../src/dispatch/sqs.js";
import type { Dispatcher } from "../../src/dispatch/types.js";
import { createSqsRetryScheduler } from "../../src/dispatch/visibility.js";
import { createInvokeHandler } from "../../src/handlers/invoke.js";
import { createTickHandler } from "../../src/handlers/tick.js";
import { silentLogger } from "../../src/logger.js";
import { createDynamoStore } from "../../src/store/dynamodb/store.js";
import { createScheduleTable } from "../../src/store/dynamodb/table.js";
import type { ScheduleStore } from "../../src/store/types.js";
import type { TickOptions, TickSummary } from "../../src/tick/tick.js";
import {
  awsClients,
  createQueue,
  createTopicWithQueue,
  type TestQueue,
} from "../dispatch/aws-queues.js";
import { awsClientConfig, uniqueName } from "../support/aws.js";
import { lambdaContext, sqsRecordFromMessage } from "../support/events.js";

export interface E2eStack {
  readonly store: ScheduleStore;
  /** The routing dispatcher the tick Lambda builds: SNS for standard, SQS for precise. */
  readonly dispatcher: Dispatcher;
  readonly queue: TestQueue;
  readonly deadLetters: TestQueue;
  readonly errors: TestQueue;
  /** The tick's shard queue: what it hands other tick workers. */
  readonly shards: TestQueue;
  readonly sqs: SQSClient;
  /**
   * One tick Lambda invocation of `event` (default: the schedule rule's, `{}`), with `dispatcher`
   * and `store` unless others are given, `remainingMs` before its timeout (default 60 s).
   */
  tick(options?: {
    clock?: Clock;
    dispatcher?: Dispatcher;
    store?: ScheduleStore;
    tick?: Omit<TickOptions, "deadline" | "shards" | "fanOut">;
    event?: unknown;
    remainingMs?: number;
  }): Promise<TickSummary>;
  /**
   * Receives (and deletes) the shard queue's messages until `count` have arrived or `waitMs`
   * has passed (then one second more, in which an extra one would show), as Lambda records.
   */
  shardRecords(count: number, waitMs?: number): Promise<SQSRecord[]>;
  /**
   * Plays the invoke Lambda: one invocation per received batch, until `until` holds (checked
   * after every poll), else until the queue has stayed empty for `idleMs` (default 1 s).
   * Returns how many messages it handed over.
   */
  pump(options?: {
    until?: () => Promise<boolean>;
    idleMs?: number;
    timeoutMs?: number;
  }): Promise<number>;
  /** Messages waiting in a queue (visible ones). */
  depth(queue: TestQueue): Promise<number>;
  /** Receives and deletes the failure events on the errors queue. */
  failureEvents(count: number, waitMs?: number): Promise<FailureEvent[]>;
}

/**
 * Sends one DynamoDB request at a time. The emulator applies a transaction by copying whole
 * tables and, when a condition fails, restoring the copy, so a request running alongside a
 * failing transaction can be undone; real DynamoDB isolates them. Serialising requests on the
 * wire keeps the emulator correct while the ticks' operations still interleave as in a race.
 */
function oneRequestAtATime(client: DynamoDBClient): DynamoDBClient {
  let last: Promise<unknown> = Promise.resolve();
  client.middlewareStack.add(
    (next) => (args) => {
      const turn = last.then(() => next(args));
      last = turn.catch(() => undefined);
      return turn;
    },
    { step: "deserialize", name: "oneRequestAtATime" },
  );
  return client;
}

/** Creates a fresh stack; every name is unique, so test files can share the emulator. */
export async function createE2eStack(
  options: { maxReceiveCount?: number; dueShards?: number } = {},
): Promise<E2eStack> {
  const ddb = oneRequestAtATime(new DynamoDBClient(awsClientConfig()));
  const { sns, sqs } = awsClients();
  const tableName = uniqueName("schedules");
  await createScheduleTable(ddb, tableName);
  const deadLetters = await createQueue(sqs, "invocations-dlq");
  const { topicArn, queue: rawQueue } = await createTopicWithQueue(sns, sqs, "invocations");
  // The subscription's queue gets the dead-letter queue the template gives it.
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: rawQueue.url,
      Attributes: {
        VisibilityTimeout: "30",
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: deadLetters.arn,
          maxReceiveCount: String(options.maxReceiveCount ?? 3),
        }),
      },
    }),
  );
  const errorsTopic = await createTopicWithQueue(sns, sqs, "errors");
  const shards = await createQueue(sqs, "tick-shards");
  const shardQueue = createShardQueue({ queueUrl: shards.url, client: sqs });
  const store = createDynamoStore({
    tableName,
    client: ddb,
    ...(options.dueShards === undefined ? {} : { dueShards: options.dueShards }),
  });
  const dispatcher = createRoutingDispatcher({
    standard: createSnsDispatcher({ topicArn, client: sns }),
    precise: createSqsDispatcher({ queueUrl: rawQueue.url, client: sqs }),
  });
  const publisher = createSnsErrorPublisher({
    topicArn: errorsTopic.topicArn,
    client: sns,
    logger: silentLogger,
  });
  const invoke = createInvokeHandler({
    store,
    errorPublisher: publisher,
    retryScheduler: createSqsRetryScheduler({ client: sqs }),
    logger: silentLogger,
    logInputOutput: false,
  });

  const receive = async (queue: TestQueue) => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
        WaitTimeSeconds: 0,
      }),
    );
    return Messages;
  };

  return {
    store,
    dispatcher,
    queue: rawQueue,
    deadLetters,
    errors: errorsTopic.queue,
    shards,
    sqs,
    tick(given = {}) {
      const handler = createTickHandler({
        store: given.store ?? store,
        dispatcher: given.dispatcher ?? dispatcher,
        clock: given.clock ?? systemClock,
        reporter: publisher,
        logger: silentLogger,
        shardQueue,
        ...(given.tick === undefined ? {} : { tick: given.tick }),
      });
      return handler(given.event ?? {}, lambdaContext(given.remainingMs ?? 60_000));
    },
    async shardRecords(count, waitMs = 5_000) {
      const records: SQSRecord[] = [];
      let deadline = Date.now() + waitMs;
      let settling = false;
      while (Date.now() < deadline) {
        const messages = await receive(shards);
        for (const message of messages) {
          records.push(sqsRecordFromMessage(message, shards.arn));
          await sqs.send(
            new DeleteMessageCommand({
              QueueUrl: shards.url,
              ReceiptHandle: message.ReceiptHandle,
            }),
          );
        }
        if (!settling && records.length >= count) {
          settling = true;
          deadline = Math.min(deadline, Date.now() + 1_000);
        }
        if (messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return records;
    },
    async pump({ until, idleMs = 1_000, timeoutMs = 15_000 } = {}) {
      let processed = 0;
      let idleSince = Date.now();
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (until !== undefined ? await until() : Date.now() - idleSince >= idleMs) break;
        const messages = await receive(rawQueue);
        if (messages.length === 0) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        const records = messages.map((m) => sqsRecordFromMessage(m, rawQueue.arn));
        const response = (await invoke(
          { Records: records },
          lambdaContext(60_000),
        )) as SQSBatchResponse;
        const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
        for (const record of records) {
          if (failed.has(record.messageId)) continue;
          await sqs.send(
            new DeleteMessageCommand({
              QueueUrl: rawQueue.url,
              ReceiptHandle: record.receiptHandle,
            }),
          );
        }
        processed += records.length;
        idleSince = Date.now();
      }
      return processed;
    },
    async depth(queue) {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queue.url,
          AttributeNames: ["ApproximateNumberOfMessages"],
        }),
      );
      return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
    },
    async failureEvents(count, waitMs = 5_000) {
      const events: FailureEvent[] = [];
      const deadline = Date.now() + waitMs;
      while (events.length < count && Date.now() < deadline) {
        const messages = await receive(errorsTopic.queue);
        for (const message of messages) {
          events.push(JSON.parse(message.Body ?? "{}") as FailureEvent);
          await sqs.send(
            new DeleteMessageCommand({
              QueueUrl: errorsTopic.queue.url,
              ReceiptHandle: message.ReceiptHandle,
            }),
          );
        }
        if (messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return events;
    },
  };
}
