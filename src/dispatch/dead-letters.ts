/**
 * A dead-letter queue as `redrive` reads it: receive a batch of messages (hidden meanwhile),
 * move some back to the queue they came from (send, then delete), and give the rest back.
 * The SQS implementation moves messages with SendMessageBatch and DeleteMessageBatch, ten at a
 * time, keeping their bodies and message attributes.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { ConfigurationError } from "../errors.js";

/** One dead-lettered message. */
export interface DeadLetter {
  readonly messageId: string;
  readonly body: string;
  /** String message attributes, e.g. `job`. */
  readonly attributes: Readonly<Record<string, string>>;
  /** How many times it was received before (on the source queue, then here). */
  readonly receiveCount: number;
  /** The handle this receive gives; what moving or releasing it needs. */
  readonly receipt: string;
}

/** What {@link DeadLetterQueue.moveBack} did with each message. */
export interface MoveResult {
  /** Message ids now on the source queue and gone from the dead-letter queue. */
  readonly moved: readonly string[];
  /** Message ids not moved, with why; they stay on the dead-letter queue. */
  readonly failed: readonly { readonly messageId: string; readonly error: Error }[];
}

/** A dead-letter queue and the queue its messages came from. */
export interface DeadLetterQueue {
  /** Up to `max` (≤ 10) messages, hidden from other receivers until moved or released. */
  receive(max: number): Promise<DeadLetter[]>;
  /**
   * Sends each message to the source queue, then deletes it from the dead-letter queue. A
   * message whose send failed is not deleted; one sent but not deleted may be moved twice
   * (the invoke side runs a run once whatever its messages).
   */
  moveBack(letters: readonly DeadLetter[]): Promise<MoveResult>;
  /** Makes messages visible again at once (a dry run, or what was not moved). */
  release(letters: readonly DeadLetter[]): Promise<void>;
}

/** Options of {@link createSqsDeadLetterQueue}. */
export interface SqsDeadLetterQueueOptions {
  /** The dead-letter queue (the stack's `InvocationsDeadLetterQueueUrl`). */
  readonly deadLetterQueueUrl: string;
  /** Where its messages go back to (the stack's `InvocationsQueueUrl`). */
  readonly queueUrl: string;
  /** Default: a client configured from the environment. */
  readonly client?: SQSClient;
  /** How long a received message stays hidden while it is handled. Default 60 s. */
  readonly visibilitySeconds?: number;
}

function checkUrl(name: string, url: unknown): string {
  if (typeof url !== "string" || !/^https?:\/\//.test(url)) {
    throw new ConfigurationError(
      `createSqsDeadLetterQueue: ${name} must be an SQS queue URL (https://sqs.…), got ${JSON.stringify(url)}`,
    );
  }
  return url;
}

/**
 * The stack's invocations dead-letter queue, moving messages back to the invocations queue.
 *
 * @example
 * const dlq = createSqsDeadLetterQueue({ deadLetterQueueUrl, queueUrl });
 * const letters = await dlq.receive(10);
 */
export function createSqsDeadLetterQueue(options: SqsDeadLetterQueueOptions): DeadLetterQueue {
  const deadLetterQueueUrl = checkUrl("deadLetterQueueUrl", options.deadLetterQueueUrl);
  const queueUrl = checkUrl("queueUrl", options.queueUrl);
  const client = options.client ?? new SQSClient({});
  const visibility = options.visibilitySeconds ?? 60;
  // Batch entry ids must be short and simple: the position in the batch is.
  const entries = <T>(letters: readonly DeadLetter[], entry: (letter: DeadLetter) => T) =>
    letters.map((letter, i) => ({ Id: String(i), ...entry(letter) }));
  const letterOf = (letters: readonly DeadLetter[], id: string | undefined) =>
    letters[Number(id)] as DeadLetter;

  return {
    async receive(max) {
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: deadLetterQueueUrl,
          MaxNumberOfMessages: Math.max(1, Math.min(10, max)),
          VisibilityTimeout: visibility,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ["All"],
          MessageSystemAttributeNames: ["ApproximateReceiveCount"],
        }),
      );
      return Messages.map((message) => ({
        messageId: message.MessageId ?? "",
        body: message.Body ?? "",
        attributes: Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {}).flatMap(([name, value]) =>
            value.StringValue === undefined ? [] : [[name, value.StringValue]],
          ),
        ),
        receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
        receipt: message.ReceiptHandle ?? "",
      }));
    },

    async moveBack(letters) {
      const failed: { messageId: string; error: Error }[] = [];
      if (letters.length === 0) return { moved: [], failed };
      const sent = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: entries(letters, (letter) => ({
            MessageBody: letter.body,
            MessageAttributes: Object.fromEntries(
              Object.entries(letter.attributes).map(
                ([name, value]): [string, MessageAttributeValue] => [
                  name,
                  { DataType: "String", StringValue: value },
                ],
              ),
            ),
          })),
        }),
      );
      for (const refused of sent.Failed ?? []) {
        failed.push({
          messageId: letterOf(letters, refused.Id).messageId,
          error: new Error(`SQS refused to send it back: ${refused.Code} ${refused.Message ?? ""}`),
        });
      }
      const toDelete = (sent.Successful ?? []).map((ok) => letterOf(letters, ok.Id));
      if (toDelete.length === 0) return { moved: [], failed };
      const deleted = await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: deadLetterQueueUrl,
          Entries: entries(toDelete, (letter) => ({ ReceiptHandle: letter.receipt })),
        }),
      );
      for (const refused of deleted.Failed ?? []) {
        failed.push({
          messageId: letterOf(toDelete, refused.Id).messageId,
          error: new Error(
            `sent back, but SQS did not delete it from the dead-letter queue (${refused.Code}): a later redrive sends it again`,
          ),
        });
      }
      const notMoved = new Set(failed.map((f) => f.messageId));
      return {
        moved: toDelete.map((l) => l.messageId).filter((id) => !notMoved.has(id)),
        failed,
      };
    },

    async release(letters) {
      if (letters.length === 0) return;
      await client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: deadLetterQueueUrl,
          Entries: entries(letters, (letter) => ({
            ReceiptHandle: letter.receipt,
            VisibilityTimeout: 0,
          })),
        }),
      );
    },
  };
}
