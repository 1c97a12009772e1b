/**
 * The shard queue: how a tick hands shards of the due index to other tick workers. One SQS
 * message `{"shard": n}` per shard; the tick function consumes the queue itself (see
 * handlers/tick.ts), so a burst that one tick cannot finish continues at once on others.
 */
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { ConfigurationError, DispatchError } from "../errors.js";
import { MAX_BATCH_ENTRIES } from "./batch.js";

/** Options of {@link createShardQueue}. */
export interface ShardQueueOptions {
  /** The queue the tick function consumes (TICK_SHARDS_QUEUE_URL). */
  readonly queueUrl: string;
  /** Default: a client configured from the environment. */
  readonly client?: SQSClient;
}

/** Sends shard work items; the `handOff` of the tick core's `fanOut`. */
export interface ShardQueue {
  /**
   * Sends one message per shard, ten per SendMessageBatch call. Entries SQS refuses (or a call
   * that fails) are sent once more; throws a {@link DispatchError} naming the shards still not
   * accepted then. Sending a shard twice is harmless: its worker holds a lease.
   */
  handOff(shards: readonly number[]): Promise<void>;
}

/** The body of a shard work item. */
export function encodeShardMessage(shard: number): string {
  return JSON.stringify({ shard });
}

/** What {@link decodeShardMessage} found: the shard, or what is wrong with the body. */
export type DecodedShardMessage =
  | { readonly ok: true; readonly shard: number }
  | { readonly ok: false; readonly problem: string };

/**
 * Reads a shard work item. Never throws: a bad body is the sender's bug, and retrying it would
 * not fix it, so the caller logs the problem and drops the message.
 */
export function decodeShardMessage(body: string): DecodedShardMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, problem: `the body is not JSON: ${body.slice(0, 100)}` };
  }
  const shard =
    typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as { shard?: unknown }).shard
      : undefined;
  if (typeof shard !== "number" || !Number.isSafeInteger(shard) || shard < 0) {
    return {
      ok: false,
      problem: `expected {"shard": n} with n a whole number ≥ 0, got ${body.slice(0, 100)}`,
    };
  }
  return { ok: true, shard };
}

/**
 * Creates the shard queue's sender.
 *
 * @example
 * ```ts
 * const queue = createShardQueue({ queueUrl: process.env.TICK_SHARDS_QUEUE_URL! });
 * await runTick(deps, { fanOut: { eager: true, handOff: queue.handOff } });
 * ```
 */
export function createShardQueue(options: ShardQueueOptions): ShardQueue {
  const { queueUrl } = options;
  if (typeof queueUrl !== "string" || !/^https?:\/\//.test(queueUrl)) {
    throw new ConfigurationError(
      `createShardQueue: queueUrl must be an SQS queue URL (https://sqs.…), got ${JSON.stringify(queueUrl)}`,
    );
  }
  const client = options.client ?? new SQSClient({});

  /** Sends `shards`; returns those not accepted, with why. */
  const send = async (shards: readonly number[]): Promise<Map<number, string>> => {
    const refused = new Map<number, string>();
    const batches: number[][] = [];
    for (let i = 0; i < shards.length; i += MAX_BATCH_ENTRIES) {
      batches.push(shards.slice(i, i + MAX_BATCH_ENTRIES));
    }
    await Promise.all(
      batches.map(async (batch) => {
        try {
          const { Successful = [], Failed = [] } = await client.send(
            new SendMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: batch.map((shard) => ({
                Id: `shard${shard}`,
                MessageBody: encodeShardMessage(shard),
              })),
            }),
          );
          const accepted = new Set(Successful.map((entry) => entry.Id));
          const reasons = new Map(Failed.map((entry) => [entry.Id, entry]));
          for (const shard of batch) {
            if (accepted.has(`shard${shard}`)) continue;
            const entry = reasons.get(`shard${shard}`);
            refused.set(
              shard,
              entry === undefined
                ? "the response did not mention it"
                : `${entry.Code ?? "error"}: ${entry.Message ?? "no message"}`,
            );
          }
        } catch (error) {
          for (const shard of batch) refused.set(shard, String(error));
        }
      }),
    );
    return refused;
  };

  return {
    async handOff(shards) {
      const unique = [...new Set(shards)];
      if (unique.length === 0) return;
      const first = await send(unique);
      if (first.size === 0) return;
      const second = await send([...first.keys()]);
      if (second.size === 0) return;
      const [shard, reason] = [...second][0] ?? [];
      throw new DispatchError(
        `SQS did not accept shard work for shards ${[...second.keys()].join(", ")} of ${queueUrl} (shard ${shard}: ${reason}); the next scheduled tick works them`,
      );
    },
  };
}
