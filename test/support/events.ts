/**
 * Event factories: envelopes, SQS records (raw and SNS-wrapped bodies), SQS events, the
 * EventBridge event of the tick and Lambda contexts, so that tests state only what matters to
 * them.
 */
import { randomUUID } from "node:crypto";
import type { Message } from "@aws-sdk/client-sqs";
import type { Context, ScheduledEvent, SQSEvent, SQSRecord } from "aws-lambda";
import { encodeEnvelope } from "../../src/dispatch/envelope.js";
import type { Envelope } from "../../src/dispatch/types.js";
import { runIdOf } from "../../src/store/types.js";

/** An envelope; `runId` follows from `scheduleId` and `scheduledAt` unless given. */
export function envelope(overrides: Partial<Envelope> = {}): Envelope {
  const scheduleId = overrides.scheduleId ?? "nightly";
  const scheduledAt = overrides.scheduledAt ?? "2026-01-05T09:00:00.000Z";
  return {
    v: 1,
    runId: runIdOf(scheduleId, Date.parse(scheduledAt)),
    scheduleId,
    job: "hello",
    payload: { greeting: "hi" },
    scheduledAt,
    attempt: 1,
    ...overrides,
  };
}

/** The body SNS gives SQS when raw delivery is off: the message wrapped in a notification. */
export function snsWrapped(message: string, attributes: Record<string, string> = {}): string {
  return JSON.stringify({
    Type: "Notification",
    MessageId: randomUUID(),
    TopicArn: "arn:aws:sns:us-east-1:123456789012:invocations",
    Message: message,
    Timestamp: new Date().toISOString(),
    SignatureVersion: "1",
    MessageAttributes: Object.fromEntries(
      Object.entries(attributes).map(([name, value]) => [name, { Type: "String", Value: value }]),
    ),
  });
}

/** What an {@link sqsRecord} may be made of. */
export interface SqsRecordParts {
  /** The body; default: the encoded `envelope`. */
  readonly body?: string;
  readonly envelope?: Envelope;
  readonly receiveCount?: number;
  readonly messageId?: string;
  /** Default: the envelope's job, when there is an envelope. */
  readonly jobAttribute?: string | null;
  readonly queueArn?: string;
  readonly receiptHandle?: string;
}

/** An SQS record as Lambda passes it. */
export function sqsRecord(parts: SqsRecordParts = {}): SQSRecord {
  const env = parts.envelope ?? (parts.body === undefined ? envelope() : undefined);
  const body = parts.body ?? encodeEnvelope(env as Envelope);
  const job = parts.jobAttribute === undefined ? env?.job : parts.jobAttribute;
  return {
    messageId: parts.messageId ?? randomUUID(),
    receiptHandle: parts.receiptHandle ?? `handle-${randomUUID()}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(parts.receiveCount ?? 1),
      SentTimestamp: String(Date.now()),
      SenderId: "AIDAEXAMPLE",
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes:
      job === undefined || job === null
        ? {}
        : {
            job: {
              stringValue: job,
              dataType: "String",
              stringListValues: [],
              binaryListValues: [],
            },
          },
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: parts.queueArn ?? "arn:aws:sqs:us-east-1:123456789012:invocations",
    awsRegion: "us-east-1",
  };
}

/** An SQS event of these records. */
export function sqsEvent(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/** The Lambda record of a message received from a real queue (ReceiveMessage with all attributes). */
export function sqsRecordFromMessage(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? "1",
      SentTimestamp: attributes.SentTimestamp ?? "0",
      SenderId: attributes.SenderId ?? "",
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? "0",
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          stringValue: value.StringValue,
          dataType: value.DataType ?? "String",
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: "us-east-1",
  };
}

/** The event EventBridge sends the tick for the rule `ruleArn`. */
export function scheduledEvent(ruleArn: string): ScheduledEvent {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: ruleArn.split(":")[4] ?? "123456789012",
    time: new Date().toISOString(),
    region: ruleArn.split(":")[3] ?? "us-east-1",
    resources: [ruleArn],
    detail: {},
  };
}

/** A Lambda context whose deadline is `remainingMs` after its creation. */
export function lambdaContext(remainingMs = 60_000): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "invoke",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:invoke",
    memoryLimitInMB: "512",
    awsRequestId: randomUUID(),
    logGroupName: "/aws/lambda/invoke",
    logStreamName: "2026/01/05/[$LATEST]0",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
