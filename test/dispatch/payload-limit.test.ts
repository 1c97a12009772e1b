/**
 * The payload limit and the transports' message limit agree: the largest payload a schedule
 * may carry still fits one SNS (and SQS) message with the longest ids the envelope allows.
 */
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { createSnsDispatcher } from "../../src/dispatch/sns.js";
import { createSqsDispatcher } from "../../src/dispatch/sqs.js";
import type { Envelope } from "../../src/dispatch/types.js";
import { checkPayloadJson, MAX_PAYLOAD_BYTES } from "../../src/registry/payload.js";
import { runIdOf } from "../../src/store/types.js";
import { awsClientConfig } from "../support/aws.js";
import { createQueue, createTopicWithQueue, receiveEnvelopes } from "./aws-queues.js";

/** The longest schedule id and job name there are, and a payload of exactly the limit. */
function largestEnvelope(): Envelope {
  const scheduleId = `s${"x".repeat(127)}`;
  const payload = { data: "y".repeat(MAX_PAYLOAD_BYTES - '{"data":""}'.length) };
  expect(checkPayloadJson(payload)).toBe(MAX_PAYLOAD_BYTES);
  const scheduledAt = Date.parse("2026-12-01T10:00:00Z");
  return {
    v: 1,
    runId: runIdOf(scheduleId, scheduledAt),
    scheduleId,
    job: `j${"z".repeat(127)}`,
    payload,
    scheduledAt: new Date(scheduledAt).toISOString(),
    attempt: 1,
  };
}

describe("a payload at the size limit", () => {
  const sns = new SNSClient(awsClientConfig());
  const sqs = new SQSClient(awsClientConfig());

  it("is published to SNS and arrives whole on the subscribed queue", async () => {
    const { topicArn, queue } = await createTopicWithQueue(sns, sqs, "payload-limit");
    const envelope = largestEnvelope();
    const result = await createSnsDispatcher({ topicArn, client: sns }).dispatch([{ envelope }]);
    expect(result.failed).toEqual([]);
    const [received] = await receiveEnvelopes(sqs, queue, 1);
    expect(received?.envelope).toEqual(envelope);
  });

  it("is sent to SQS with a delay and arrives whole", async () => {
    const queue = await createQueue(sqs, "payload-limit-sqs");
    const envelope = largestEnvelope();
    const result = await createSqsDispatcher({ queueUrl: queue.url, client: sqs }).dispatch([
      { envelope, delaySeconds: 1 },
    ]);
    expect(result.failed).toEqual([]);
    const [received] = await receiveEnvelopes(sqs, queue, 1, 10_000);
    expect(received?.envelope).toEqual(envelope);
  });

  it("is refused by SNS once the payload grows past the limit by the headroom", async () => {
    const { topicArn } = await createTopicWithQueue(sns, sqs, "payload-over");
    const base = largestEnvelope();
    const envelope = {
      ...base,
      payload: { data: `${(base.payload as { data: string }).data}${"y".repeat(1024)}` },
    };
    const result = await createSnsDispatcher({ topicArn, client: sns }).dispatch([{ envelope }]);
    expect(result.failed.map((f) => f.runId)).toEqual([envelope.runId]);
  });
});
