import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, describe, expect, it } from "vitest";
import { createSqsRetryScheduler } from "../../src/dispatch/visibility.js";
import { DispatchError } from "../../src/errors.js";
import { awsClients, createQueue } from "./aws-queues.js";

const { sqs } = awsClients();
afterAll(() => sqs.destroy());

function counting(client: SQSClient) {
  const commands: string[] = [];
  const proxy = new Proxy(client, {
    get(target, property, receiver) {
      if (property === "send") {
        return (command: { constructor: { name: string } }) => {
          commands.push(command.constructor.name);
          return target.send(command as never);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
  return { commands, proxy };
}

describe("the SQS retry scheduler", () => {
  it("hides a received message for the given seconds, finding the queue from the record's ARN once", async () => {
    const queue = await createQueue(sqs, "visibility", { VisibilityTimeout: "0" });
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: "one" }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: "two" }));
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 2 }),
    );
    expect(Messages).toHaveLength(2);
    const { commands, proxy } = counting(sqs);
    const retries = createSqsRetryScheduler({ client: proxy });
    for (const message of Messages) {
      await retries.changeVisibility(
        { receiptHandle: message.ReceiptHandle ?? "", eventSourceARN: queue.arn },
        60,
      );
    }
    expect(commands).toEqual([
      "GetQueueUrlCommand",
      "ChangeMessageVisibilityCommand",
      "ChangeMessageVisibilityCommand",
    ]);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queue.url,
        AttributeNames: ["ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    expect(Attributes?.ApproximateNumberOfMessagesNotVisible).toBe("2");
    const { Messages: visible = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.url }),
    );
    expect(visible).toEqual([]);
  });

  it.each([
    [
      "an ARN of another service",
      "arn:aws:sns:us-east-1:123456789012:topic",
      "not an SQS queue ARN",
    ],
    [
      "a queue that does not exist",
      "arn:aws:sqs:us-east-1:123456789012:no-such-queue",
      "could not delay message m-1",
    ],
  ])("throws a DispatchError for %s", async (_case, arn, message) => {
    const retries = createSqsRetryScheduler({ client: sqs });
    const attempt = retries.changeVisibility(
      { messageId: "m-1", receiptHandle: "r", eventSourceARN: arn },
      5,
    );
    await expect(attempt).rejects.toBeInstanceOf(DispatchError);
    await expect(
      retries.changeVisibility({ messageId: "m-1", receiptHandle: "r", eventSourceARN: arn }, 5),
    ).rejects.toThrow(message);
  });
});
