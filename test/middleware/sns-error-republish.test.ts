import type { Message } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../../src/clock.js";
import {
  createLogErrorPublisher,
  createSnsErrorPublisher,
  type FailureEvent,
} from "../../src/dispatch/errors-topic.js";
import { JobFailedError } from "../../src/errors.js";
import { errorCapture } from "../../src/middleware/error-capture.js";
import { snsErrorRepublish } from "../../src/middleware/sns-error-republish.js";
import {
  awsClients,
  createTopicWithQueue,
  receiveMessages,
  type TestQueue,
} from "../dispatch/aws-queues.js";
import { envelope, lambdaContext, sqsEvent, sqsRecord } from "../support/events.js";
import { memoryLogger, request } from "./requests.js";

const { sns, sqs } = awsClients();
let errorsTopicArn = "";
let errorsQueue: TestQueue;

beforeAll(async () => {
  ({ topicArn: errorsTopicArn, queue: errorsQueue } = await createTopicWithQueue(
    sns,
    sqs,
    "errors",
  ));
});
afterAll(() => {
  sns.destroy();
  sqs.destroy();
});

const clock = manualClock("2026-01-05T09:00:05Z");
const run = envelope({ job: "snapshot", scheduleId: "nightly" });

function published(
  messages: Message[],
): { event: FailureEvent; attributes: Record<string, string | undefined> }[] {
  return messages.map((message) => ({
    event: JSON.parse(message.Body ?? "") as FailureEvent,
    attributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        value.StringValue,
      ]),
    ),
  }));
}

describe("the SNS error publisher", () => {
  it("publishes the event as JSON with job, type and final attributes to the errors topic", async () => {
    const event: FailureEvent = {
      type: "run.failed",
      job: "snapshot",
      scheduleId: "nightly",
      runId: run.runId,
      attempt: 3,
      final: true,
      error: { name: "Error", message: "volume not found" },
      at: "2026-01-05T09:00:05.000Z",
    };
    await createSnsErrorPublisher({ topicArn: errorsTopicArn, client: sns }).publish(event);
    expect(published(await receiveMessages(sqs, errorsQueue, 1))).toEqual([
      { event, attributes: { job: "snapshot", type: "run.failed", final: "true" } },
    ]);
  });

  it("logs instead of throwing when the topic does not exist, and answers that it did not publish", async () => {
    const { lines, logger } = memoryLogger();
    const publisher = createSnsErrorPublisher({
      topicArn: "arn:aws:sns:us-east-1:123456789012:no-such-topic",
      client: sns,
      logger,
    });
    await expect(
      publisher.publish({
        type: "run.expired",
        job: "j",
        scheduleId: "s",
        runId: "s@2026-01-05T09:00:00.000Z",
        attempt: 0,
        final: true,
        error: { name: "Expired", message: "deadline passed" },
        at: "2026-01-05T09:00:00.000Z",
      }),
    ).resolves.toBe(false);
    expect(lines).toMatchObject([
      { level: "error", message: "could not publish a failure event to the errors topic" },
    ]);
  });

  it("refuses a topic that is not an ARN", () => {
    expect(() => createSnsErrorPublisher({ topicArn: "errors" })).toThrow(
      'createSnsErrorPublisher: topicArn must be an SNS topic ARN (arn:aws:sns:…), got "errors"',
    );
  });

  it("has a logging twin for local mode", async () => {
    const { lines, logger } = memoryLogger();
    const event = { type: "run.failed", error: { name: "E", message: "m" } } as FailureEvent;
    await createLogErrorPublisher(logger).publish(event);
    expect(lines).toEqual([{ level: "error", message: "run.failed: m", fields: { event } }]);
  });
});

describe("snsErrorRepublish", () => {
  it("names its hook", () => {
    expect(snsErrorRepublish({ topicArn: errorsTopicArn, client: sns }).onError?.name).toBe(
      "snsErrorRepublishOnError",
    );
  });

  it("publishes a failed run, received through the topic's SQS subscription", async () => {
    const middleware = snsErrorRepublish({ topicArn: errorsTopicArn, client: sns, clock });
    const error = new JobFailedError(
      "job failed",
      { job: "snapshot", scheduleId: "nightly", runId: run.runId, attempt: 2 },
      {
        cause: new RangeError("volume not found"),
      },
    );
    await middleware.onError?.(request({ event: run, error }));
    expect(published(await receiveMessages(sqs, errorsQueue, 1))).toEqual([
      {
        event: {
          type: "run.failed",
          job: "snapshot",
          scheduleId: "nightly",
          runId: run.runId,
          attempt: 2,
          final: false,
          error: { name: "RangeError", message: "volume not found" },
          at: "2026-01-05T09:00:05.000Z",
        },
        attributes: { job: "snapshot", type: "run.failed", final: "false" },
      },
    ]);
  });

  it("publishes one event per decodable record when a whole batch failed", async () => {
    const other = envelope({ scheduleId: "hourly", job: "report" });
    const event = sqsEvent(
      sqsRecord({ envelope: run, receiveCount: 3 }),
      sqsRecord({ envelope: other }),
      sqsRecord({ body: "junk" }),
    );
    await snsErrorRepublish({ topicArn: errorsTopicArn, client: sns, clock }).onError?.(
      request({ event, error: new Error("table not found") }),
    );
    const events = published(await receiveMessages(sqs, errorsQueue, 2)).map((m) => m.event);
    expect(await receiveMessages(sqs, errorsQueue, 1, 300)).toEqual([]);
    expect(events.map((e) => [e.runId, e.attempt, e.error.message]).sort()).toEqual(
      [
        [run.runId, 3, "table not found"],
        [other.runId, 1, "table not found"],
      ].sort(),
    );
  });

  it("uses an injected publisher and survives one that throws", async () => {
    const { lines, logger } = memoryLogger();
    const middleware = snsErrorRepublish({
      publisher: { publish: async () => Promise.reject(new Error("publisher broke")) },
      logger,
    });
    const req = request({
      event: sqsEvent(sqsRecord({ envelope: run })),
      error: new Error("boom"),
    });
    await expect(middleware.onError?.(req)).resolves.toBeUndefined();
    expect(lines).toMatchObject([{ level: "error", message: "could not publish a failure event" }]);
  });

  it("lets the error continue through a Middy handler after errorCapture gave it its run", async () => {
    const seen: FailureEvent[] = [];
    const handler = middy(async () => {
      throw new Error("disk full");
    })
      .use(snsErrorRepublish({ publisher: { publish: async (e) => void seen.push(e) }, clock }))
      .use(errorCapture({ logger: false }));
    await expect(handler(run, lambdaContext())).rejects.toBeInstanceOf(JobFailedError);
    expect(seen).toMatchObject([
      { runId: run.runId, attempt: 1, error: { name: "Error", message: "disk full" } },
    ]);
  });

  it.each([
    [
      {},
      'snsErrorRepublish: option "topicArn" must be an SNS topic ARN (arn:aws:sns:…) when no publisher is given, got undefined',
    ],
    [
      { publisher: {} },
      'snsErrorRepublish: option "publisher" must be an object with a publish method, got {}',
    ],
    [{ topic: "x" }, 'snsErrorRepublish: unknown option "topic"'],
  ])("refuses the options %j", (options, message) => {
    expect(() => snsErrorRepublish(options as never)).toThrow(message);
  });
});
