/**
 * The invoke Lambda handler (Middy composition) on real SQS batches from the AWS emulator:
 * partial batch failures, backoff through the message's visibility, the dead-letter queue and
 * failure events on the errors topic.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createSnsErrorPublisher, type FailureEvent } from "../../src/dispatch/errors-topic.js";
import { createSqsDispatcher } from "../../src/dispatch/sqs.js";
import type { Envelope } from "../../src/dispatch/types.js";
import { createSqsRetryScheduler } from "../../src/dispatch/visibility.js";
import { createInvokeHandler, handler } from "../../src/handlers/invoke.js";
import { silentLogger } from "../../src/logger.js";
import { defineJob } from "../../src/registry/define.js";
import { clearRegistry } from "../../src/registry/registry.js";
import { createDynamoStore } from "../../src/store/dynamodb/store.js";
import { createScheduleTable } from "../../src/store/dynamodb/table.js";
import { createMemoryStore } from "../../src/store/memory.js";
import type { ScheduleStore } from "../../src/store/types.js";
import {
  awsClients,
  createQueue,
  createTopicWithQueue,
  receiveMessages,
  type TestQueue,
} from "../dispatch/aws-queues.js";
import { runOf, seedRun } from "../invoke/fixtures.js";
import { awsClientConfig, awsEnvironment, uniqueName } from "../support/aws.js";
import { envelope, lambdaContext, sqsRecordFromMessage } from "../support/events.js";

const { sns, sqs } = awsClients();
let errors: { topicArn: string; queue: TestQueue };

beforeAll(async () => {
  errors = await createTopicWithQueue(sns, sqs, "invoke-errors");
});
afterAll(() => {
  sns.destroy();
  sqs.destroy();
});
beforeEach(() => clearRegistry());
afterEach(() => vi.unstubAllEnvs());

/** An invocations queue whose messages go to a dead-letter queue after `maxReceiveCount` receives. */
async function invocationsQueue(maxReceiveCount: number) {
  const dlq = await createQueue(sqs, "invocations-dlq");
  const queue = await createQueue(sqs, "invocations", {
    VisibilityTimeout: "30",
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount }),
  });
  return { queue, dlq };
}

/** Receives up to `count` messages as Lambda's event source mapping would hand them over. */
async function batch(queue: TestQueue, count: number, waitMs = 3_000): Promise<SQSEvent> {
  const records: SQSEvent["Records"] = [];
  const deadline = Date.now() + waitMs;
  while (records.length < count && Date.now() < deadline) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
      }),
    );
    records.push(...Messages.map((message) => sqsRecordFromMessage(message, queue.arn)));
    if (Messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { Records: records };
}

async function send(queue: TestQueue, envelopes: Envelope[]): Promise<void> {
  const { failed } = await createSqsDispatcher({ queueUrl: queue.url, client: sqs }).dispatch(
    envelopes.map((e) => ({ envelope: e })),
  );
  expect(failed).toEqual([]);
}

async function failureEvents(count: number, waitMs?: number): Promise<FailureEvent[]> {
  const messages = await receiveMessages(sqs, errors.queue, count, waitMs);
  return messages.map((message) => JSON.parse(message.Body ?? "") as FailureEvent);
}

function invokeHandler(store: ScheduleStore) {
  return createInvokeHandler({
    store,
    errorPublisher: createSnsErrorPublisher({
      topicArn: errors.topicArn,
      client: sns,
      logger: silentLogger,
    }),
    retryScheduler: createSqsRetryScheduler({ client: sqs }),
    logger: silentLogger,
    logInputOutput: false,
  });
}

describe("the invoke handler on a real SQS batch", () => {
  it("reports exactly the failed messages, retries with backoff, then dead-letters and reports the final failure", async () => {
    const store = createMemoryStore();
    const ran: string[] = [];
    defineJob({ name: "hello", handler: (_p, ctx) => void ran.push(ctx.runId) });
    defineJob({
      name: "broken",
      retry: { attempts: 2, backoffSeconds: 1 },
      handler: () => {
        throw new Error("disk full");
      },
    });
    const { queue, dlq } = await invocationsQueue(2);
    const good = envelope({ scheduleId: uniqueName("good"), job: "hello" });
    const bad = envelope({ scheduleId: uniqueName("bad"), job: "broken" });
    for (const e of [good, bad]) await seedRun(store, e);
    await send(queue, [good, bad]);
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: "not an envelope" }));

    const invoke = invokeHandler(store);
    const first = await batch(queue, 3);
    const idOf = (match: (body: string) => boolean) =>
      first.Records.find((r) => match(r.body))?.messageId;
    const response = await invoke(first, lambdaContext());
    expect(new Set(response.batchItemFailures.map((f) => f.itemIdentifier))).toEqual(
      new Set([idOf((b) => b.includes(bad.runId)), idOf((b) => b === "not an envelope")]),
    );
    expect(response.batchItemFailures).toHaveLength(2);
    expect(ran).toEqual([good.runId]);
    expect((await runOf(store, good))?.status).toBe("SUCCEEDED");
    expect((await runOf(store, bad))?.status).toBe("RETRYING");

    // Lambda deletes the messages that succeeded; the failed one is hidden for its 1 s backoff.
    for (const record of first.Records) {
      if (!response.batchItemFailures.some((f) => f.itemIdentifier === record.messageId)) {
        await sqs.send(
          new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: record.receiptHandle }),
        );
      }
    }
    expect((await batch(queue, 1, 500)).Records.filter((r) => r.body.includes(bad.runId))).toEqual(
      [],
    );
    await new Promise((resolve) => setTimeout(resolve, 700));
    const second = await batch(queue, 1);
    const retried = second.Records.filter((r) => r.body.includes(bad.runId));
    expect(retried.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(["2"]);
    const secondResponse = await invoke({ Records: retried }, lambdaContext());
    expect(secondResponse.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([
      retried[0]?.messageId,
    ]);
    expect(await runOf(store, bad)).toMatchObject({
      status: "FAILED",
      attempt: 2,
      error: { message: "disk full" },
    });

    // Its visibility was set to 0: the next receive finds it over maxReceiveCount and moves it.
    await batch(queue, 1, 500);
    const deadLettered = await receiveMessages(sqs, dlq, 1);
    expect(deadLettered.map((m) => m.Body)).toEqual([expect.stringContaining(bad.runId)]);

    const events = await failureEvents(2);
    expect(events.map((e) => [e.runId, e.attempt, e.final, e.error.message])).toEqual([
      [bad.runId, 1, false, "disk full"],
      [bad.runId, 2, true, "disk full"],
    ]);
  });

  it("fails the whole batch and reports each run when the store does not answer in time", async () => {
    const store = createMemoryStore();
    // A delivery's first store call starts the run; none of them answers.
    store.startRun = () => new Promise(() => {});
    store.getRun = () => new Promise(() => {});
    defineJob({ name: "hello", handler: () => {} });
    const { queue } = await invocationsQueue(5);
    const runs = [
      envelope({ scheduleId: uniqueName("a") }),
      envelope({ scheduleId: uniqueName("b") }),
    ];
    await send(queue, runs);
    const event = await batch(queue, 2);
    const response = await invokeHandler(store)(event, lambdaContext(300));
    expect(new Set(response.batchItemFailures.map((f) => f.itemIdentifier))).toEqual(
      new Set(event.Records.map((r) => r.messageId)),
    );
    const events = await failureEvents(2);
    expect(events.map((e) => e.runId).sort()).toEqual(runs.map((r) => r.runId).sort());
    expect(events.every((e) => e.final === false && e.error.name === "TimeoutError")).toBe(true);
  });
});

describe("the Lambda entry point", () => {
  it("builds its store, publisher and retries from the environment and processes a batch", async () => {
    const tableName = uniqueName("schedules");
    await createScheduleTable(new DynamoDBClient(awsClientConfig()), tableName);
    const environment = {
      ...awsEnvironment(),
      SCHEDULE_TABLE: tableName,
      ERRORS_TOPIC_ARN: errors.topicArn,
      RUN_RETENTION_DAYS: "7",
    };
    for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
    const store = createDynamoStore({ tableName, client: new DynamoDBClient(awsClientConfig()) });
    defineJob({ name: "hello", handler: () => "done" });
    const { queue } = await invocationsQueue(5);
    const sent = envelope({ scheduleId: uniqueName("env") });
    await seedRun(store, sent);
    await send(queue, [sent]);
    const response = await handler(await batch(queue, 1), lambdaContext());
    expect(response).toEqual({ batchItemFailures: [] });
    const run = await runOf(store, sent);
    expect(run).toMatchObject({ status: "SUCCEEDED", result: "done" });
    expect(run?.expiresAt).toBe(Math.floor((run?.finishedAt ?? 0) / 1000) + 7 * 86_400);
  });
});
