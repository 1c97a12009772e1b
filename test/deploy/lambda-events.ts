/**
 * Event factories: the events Lambda hands the two handlers, built from what the emulator
 * returns, in the shapes EventBridge and Lambda's SQS event source use.
 */
import type { Message } from "@aws-sdk/client-sqs";
import type { ScheduledEvent, SQSEvent, SQSRecord } from "aws-lambda";

/** The event EventBridge sends the tick. */
export function scheduledEvent(ruleArn: string): ScheduledEvent {
  return {
    version: "0",
    id: crypto.randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: ruleArn.split(":")[4] ?? "123456789012",
    time: new Date().toISOString(),
    region: ruleArn.split(":")[3] ?? "us-east-1",
    resources: [ruleArn],
    detail: {},
  };
}

/** The event Lambda's SQS event source builds from received messages. */
export function sqsEvent(messages: readonly Message[], queueArn: string): SQSEvent {
  return {
    Records: messages.map(
      (message): SQSRecord => ({
        messageId: message.MessageId ?? "",
        receiptHandle: message.ReceiptHandle ?? "",
        body: message.Body ?? "",
        attributes: {
          ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? "1",
          SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
          SenderId: message.Attributes?.SenderId ?? "AIDAEXAMPLE",
          ApproximateFirstReceiveTimestamp:
            message.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
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
        awsRegion: queueArn.split(":")[3] ?? "us-east-1",
      }),
    ),
  };
}
