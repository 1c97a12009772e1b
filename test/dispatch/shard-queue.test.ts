/**
 * The shard queue on the local AWS emulator: what the tick hands other tick workers.
 */
import { SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, describe, expect, it } from "vitest";
import {
  createShardQueue,
  decodeShardMessage,
  encodeShardMessage,
} from "../../src/dispatch/shard-queue.js";
import { ConfigurationError, DispatchError } from "../../src/errors.js";
import { awsClientConfig } from "../support/aws.js";
import { awsClients, createQueue, receiveMessages } from "./aws-queues.js";

const { sns, sqs } = awsClients();
afterAll(() => {
  sns.destroy();
  sqs.destroy();
});

/** A client on the emulator that counts its calls and fails the first `failing` of them. */
function countingClient(failing = 0) {
  const client = new SQSClient(awsClientConfig());
  const counter = { calls: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      counter.calls += 1;
      if (counter.calls <= failing) throw new Error("connection reset");
      return next(args);
    },
    { step: "initialize", name: "countAndFail" },
  );
  return { client, counter };
}

const shardsOf = (bodies: readonly (string | undefined)[]) =>
  bodies
    .map((body) => decodeShardMessage(body ?? ""))
    .map((decoded) => (decoded.ok ? decoded.shard : -1))
    .sort((a, b) => a - b);

describe("the shard queue", () => {
  it('sends one {"shard": n} message per shard, ten to a call', async () => {
    const queue = await createQueue(sqs, "tick-shards");
    const { client, counter } = countingClient();
    const shards = Array.from({ length: 23 }, (_, i) => i);

    await createShardQueue({ queueUrl: queue.url, client }).handOff(shards);

    const messages = await receiveMessages(sqs, queue, 23, 2_000);
    expect(shardsOf(messages.map((m) => m.Body))).toEqual(shards);
    expect(JSON.parse(messages[0]?.Body ?? "")).toEqual({ shard: expect.any(Number) });
    expect(counter.calls).toBe(3);
    client.destroy();
  });

  it("sends a shard named twice once", async () => {
    const queue = await createQueue(sqs, "tick-shards");

    await createShardQueue({ queueUrl: queue.url, client: sqs }).handOff([4, 4, 7]);

    const messages = await receiveMessages(sqs, queue, 3, 1_000);
    expect(shardsOf(messages.map((m) => m.Body))).toEqual([4, 7]);
  });

  it("sends again once what a failed call did not deliver", async () => {
    const queue = await createQueue(sqs, "tick-shards");
    const { client, counter } = countingClient(1);

    await createShardQueue({ queueUrl: queue.url, client }).handOff([0, 1, 2]);

    const messages = await receiveMessages(sqs, queue, 3, 1_000);
    expect(shardsOf(messages.map((m) => m.Body))).toEqual([0, 1, 2]);
    expect(counter.calls).toBe(2);
    client.destroy();
  });

  it("names the shards SQS still refused on the second try", async () => {
    const queue = await createQueue(sqs, "tick-shards");
    const missing = `${queue.url}-gone`;
    const { client, counter } = countingClient();

    const handOff = createShardQueue({ queueUrl: missing, client }).handOff([3, 5]);

    await expect(handOff).rejects.toThrow(DispatchError);
    await expect(handOff).rejects.toThrow(/shards 3, 5/);
    expect(counter.calls).toBe(2);
    client.destroy();
  });

  it("sends nothing for no shards", async () => {
    const { client, counter } = countingClient();
    await createShardQueue({ queueUrl: "https://sqs.example/q", client }).handOff([]);
    expect(counter.calls).toBe(0);
    client.destroy();
  });

  it("refuses a queue URL that is not one", () => {
    expect(() => createShardQueue({ queueUrl: "tick-shards" })).toThrow(ConfigurationError);
  });

  it.each([0, 1, 31, 4096])("reads back the shard %i it wrote", (shard) => {
    expect(decodeShardMessage(encodeShardMessage(shard))).toEqual({ ok: true, shard });
  });
});
