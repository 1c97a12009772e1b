/**
 * Fan-out on the local AWS emulator: the tick of the schedule rule hands heavy shards of a
 * burst to the shard queue, and ticks fed by that queue (as Lambda's event source mapping would
 * feed them) finish them, handing on what they cannot finish by their deadline.
 */
import type { SQSRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { type ManualClock, manualClock } from "../../src/clock.js";
import { createSchedule } from "../../src/control/index.js";
import { decodeShardMessage } from "../../src/dispatch/shard-queue.js";
import { shardOf } from "../../src/store/dynamodb/codec.js";
import type { ScheduleStore } from "../../src/store/types.js";
import { receiveMessages } from "../dispatch/aws-queues.js";
import { sqsEvent } from "../support/events.js";
import { createE2eStack, type E2eStack } from "./stack.js";

/** `count` schedule ids that the due index puts on `shard` of `shards`. */
function idsOnShard(prefix: string, shard: number, shards: number, count: number): string[] {
  const ids: string[] = [];
  for (let i = 0; ids.length < count; i++) {
    if (shardOf(`${prefix}-${i}`, shards) === String(shard)) ids.push(`${prefix}-${i}`);
  }
  return ids;
}

async function createDue(stack: E2eStack, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    await createSchedule(
      { id, job: "e2e-burst", expression: "rate(1 hour)" },
      { store: stack.store },
    );
  }
}

/** The run ids that reached the invocations queue, each as often as it arrived. */
async function dispatchedRunIds(stack: E2eStack, expected: number): Promise<string[]> {
  // Ask for one more than expected: a duplicate would arrive as that one.
  const messages = await receiveMessages(stack.sqs, stack.queue, expected + 1, 3_000);
  return messages.map((m) => (JSON.parse(m.Body ?? "{}") as { runId: string }).runId);
}

/** A store whose clock jumps `byMs` ahead during its `at`-th claim: a deadline passing. */
function deadlinePassingAt(store: ScheduleStore, clock: ManualClock, at: number, byMs: number) {
  let claims = 0;
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== "claim" || typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        claims += 1;
        if (claims === at) clock.advance(byMs);
        return value.apply(target, args);
      };
    },
  });
}

/** The one record of `records`; fails the test when there are none or more. */
function only(records: readonly SQSRecord[]): SQSRecord {
  expect(records).toHaveLength(1);
  return records[0] as SQSRecord;
}

const PAGE = { pageSize: 5 };

describe("fan-out over the shard queue (emulated AWS)", () => {
  it("hands the heavy shards of a burst off, and the workers they feed dispatch each occurrence once", async () => {
    const stack = await createE2eStack({ dueShards: 4 });
    const heavy = [0, 1, 2].flatMap((shard) => idsOnShard("burst", shard, 4, 10));
    const light = idsOnShard("light", 3, 4, 3);
    await createDue(stack, [...heavy, ...light]);

    const coordinator = await stack.tick({ tick: PAGE });

    expect(coordinator).toMatchObject({ claimed: 3, handedOff: [0, 1, 2], failed: 0 });
    const records = await stack.shardRecords(3);
    expect(records.map((r) => decodeShardMessage(r.body))).toEqual(
      [0, 1, 2].map((shard) => ({ ok: true, shard })),
    );

    // One worker per message, all at once, plus a duplicate of the first message.
    const workers = await Promise.all(
      [...records, records[0] as SQSRecord].map((record) =>
        stack.tick({ event: sqsEvent(record), tick: PAGE }),
      ),
    );

    expect(workers.reduce((sum, w) => sum + w.claimed, 0)).toBe(30);
    expect(workers.every((w) => w.handedOff.length === 0 && w.failed === 0)).toBe(true);
    const runIds = await dispatchedRunIds(stack, 33);
    expect(runIds).toHaveLength(33);
    expect(new Set(runIds).size).toBe(33);
    for (const id of [...heavy, ...light]) {
      expect(await stack.store.getSchedule(id)).toMatchObject({ runCount: 1 });
    }
    expect(await stack.shardRecords(0, 500)).toEqual([]);
  });

  it("hands its shard on when its deadline passes mid-shard, and the next worker finishes it", async () => {
    const stack = await createE2eStack({ dueShards: 2 });
    const ids = idsOnShard("late", 1, 2, 12);
    await createDue(stack, ids);
    expect(await stack.tick({ tick: PAGE })).toMatchObject({ claimed: 0, handedOff: [1] });
    const handedOff = only(await stack.shardRecords(1));
    const clock = manualClock(new Date(Date.now() + 1_000));

    const late = await stack.tick({
      event: sqsEvent(handedOff),
      clock,
      store: deadlinePassingAt(stack.store, clock, 3, 60_000),
      // One claim at a time, so that those after the jump see the deadline passed.
      tick: { ...PAGE, concurrency: 1 },
    });

    expect(late).toMatchObject({ handedOff: [1], failed: 0 });
    expect(late.claimed).toBeGreaterThanOrEqual(3);
    expect(late.claimed).toBeLessThan(12);
    expect(late.claimed + late.backlog).toBe(12);
    const handedOn = only(await stack.shardRecords(1));
    expect(decodeShardMessage(handedOn.body)).toEqual({ ok: true, shard: 1 });

    const next = await stack.tick({ event: sqsEvent(handedOn), tick: PAGE });

    expect(next).toMatchObject({ claimed: 12 - late.claimed, handedOff: [], backlog: 0 });
    const runIds = await dispatchedRunIds(stack, 12);
    expect(runIds).toHaveLength(12);
    expect(new Set(runIds).size).toBe(12);
  });
});
