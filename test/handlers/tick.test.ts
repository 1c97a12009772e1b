import { describe, expect, it } from "vitest";
import { type ManualClock, manualClock } from "../../src/clock.js";
import type { ShardQueue } from "../../src/dispatch/shard-queue.js";
import { ConfigurationError } from "../../src/errors.js";
import { createTickHandler, tickHandlerFromEnvironment } from "../../src/handlers/tick.js";
import { silentLogger } from "../../src/logger.js";
import { createMemoryStore } from "../../src/store/memory.js";
import type { ScheduleStore } from "../../src/store/types.js";
import { scheduleRecord } from "../planning/factories.js";
import { lambdaContext, scheduledEvent, sqsEvent, sqsRecord } from "../support/events.js";
import { recordingDispatcher } from "../tick/fakes.js";

const RULE = "arn:aws:events:us-east-1:123456789012:rule/tick";
const AT = "2026-01-05T00:00:00Z";

async function storeWithDue(count: number) {
  const store = createMemoryStore();
  for (let i = 0; i < count; i++) {
    const { version: _v, updatedAt: _u, ...record } = scheduleRecord({ id: `s${i}` });
    await store.createSchedule(record);
  }
  return store;
}

/** A shard queue that keeps what it is handed. */
function recordingShardQueue(): ShardQueue & { readonly handedOff: number[][] } {
  const handedOff: number[][] = [];
  return {
    handedOff,
    async handOff(shards) {
      handedOff.push([...shards]);
    },
  };
}

/** The SQS event Lambda gives a shard worker: one record per message body. */
function shardEvent(...bodies: string[]) {
  return sqsEvent(
    ...bodies.map((body) =>
      sqsRecord({ body, queueArn: "arn:aws:sqs:us-east-1:123456789012:tick-shards" }),
    ),
  );
}

/** A store whose clock jumps `byMs` ahead during its `after`-th claim: a deadline passing mid-shard. */
function deadlinePassingAt(store: ScheduleStore, clock: ManualClock, after: number, byMs: number) {
  let claims = 0;
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== "claim" || typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        claims += 1;
        if (claims === after) clock.advance(byMs);
        return value.apply(target, args);
      };
    },
  });
}

function errorLines() {
  const lines: { message: string; fields?: Record<string, unknown> }[] = [];
  return {
    lines,
    logger: {
      ...silentLogger,
      error: (message: string, fields?: Record<string, unknown>) => {
        lines.push({ message, ...(fields === undefined ? {} : { fields }) });
      },
    },
  };
}

describe("the tick handler", () => {
  it("runs one tick and returns its summary", async () => {
    const store = await storeWithDue(3);
    const dispatcher = recordingDispatcher();
    const handler = createTickHandler({
      store,
      dispatcher,
      clock: manualClock(AT),
      logger: silentLogger,
    });
    expect(await handler({}, lambdaContext(60_000))).toMatchObject({
      claimed: 3,
      dispatched: 3,
      backlog: 0,
    });
  });

  it("keeps a margin before the Lambda's deadline, leaving the work for the next tick", async () => {
    const store = await storeWithDue(3);
    const handler = createTickHandler({
      store,
      dispatcher: recordingDispatcher(),
      clock: manualClock(AT),
      logger: silentLogger,
      deadlineMarginMs: 10_000,
    });
    expect(await handler({}, lambdaContext(5_000))).toMatchObject({ claimed: 0 });
  });

  it("hands a shard whose first page is full to the shard queue when the schedule rule invokes it", async () => {
    const shardQueue = recordingShardQueue();
    const dispatcher = recordingDispatcher();
    const handler = createTickHandler({
      store: await storeWithDue(5),
      dispatcher,
      clock: manualClock(AT),
      logger: silentLogger,
      shardQueue,
      tick: { pageSize: 2 },
    });

    const summary = await handler(scheduledEvent(RULE), lambdaContext(60_000));

    expect(summary).toMatchObject({ claimed: 0, handedOff: [0] });
    expect(shardQueue.handedOff).toEqual([[0]]);
    expect(dispatcher.accepted).toHaveLength(0);
  });

  it("works a shard named by the shard queue to the end, however many pages it has", async () => {
    const shardQueue = recordingShardQueue();
    const dispatcher = recordingDispatcher();
    const handler = createTickHandler({
      store: await storeWithDue(5),
      dispatcher,
      clock: manualClock(AT),
      logger: silentLogger,
      shardQueue,
      tick: { pageSize: 2 },
    });

    const summary = await handler(shardEvent('{"shard":0}'), lambdaContext(60_000));

    expect(summary).toMatchObject({ claimed: 5, dispatched: 5, backlog: 0, handedOff: [] });
    expect(shardQueue.handedOff).toEqual([]);
    expect(new Set(dispatcher.accepted.map((d) => d.envelope.scheduleId)).size).toBe(5);
  });

  it("hands its shard on again when its deadline passes mid-shard", async () => {
    const clock = manualClock(AT);
    const shardQueue = recordingShardQueue();
    const handler = createTickHandler({
      store: deadlinePassingAt(await storeWithDue(5), clock, 2, 60_000),
      dispatcher: recordingDispatcher(),
      clock,
      logger: silentLogger,
      shardQueue,
      // One claim at a time, so that the ones after the jump see the deadline passed.
      tick: { pageSize: 2, concurrency: 1 },
    });

    const summary = await handler(shardEvent('{"shard":0}'), lambdaContext(60_000));

    expect(summary).toMatchObject({ handedOff: [0], failed: 0 });
    expect(summary.claimed).toBeGreaterThanOrEqual(2);
    expect(summary.claimed).toBeLessThan(5);
    expect(summary.claimed + summary.backlog).toBe(5);
    expect(shardQueue.handedOff).toEqual([[0]]);
  });

  it("works each shard once when the shard queue delivers it twice in a batch", async () => {
    const dispatcher = recordingDispatcher();
    const handler = createTickHandler({
      store: await storeWithDue(3),
      dispatcher,
      clock: manualClock(AT),
      logger: silentLogger,
      shardQueue: recordingShardQueue(),
    });

    const summary = await handler(shardEvent('{"shard":0}', '{"shard":0}'), lambdaContext(60_000));

    expect(summary).toMatchObject({ claimed: 3, dispatched: 3, busy: 0 });
  });

  it.each([
    ["not JSON", "shard 0"],
    ["a negative shard", '{"shard":-1}'],
    ["a fraction", '{"shard":1.5}'],
    ["a string", '{"shard":"0"}'],
    ["no shard", "{}"],
    ["an array", "[0]"],
  ])("logs and drops a shard-queue message that is %s, without failing", async (_, body) => {
    const { lines, logger } = errorLines();
    const dispatcher = recordingDispatcher();
    const handler = createTickHandler({
      store: await storeWithDue(2),
      dispatcher,
      clock: manualClock(AT),
      logger,
      shardQueue: recordingShardQueue(),
    });

    const summary = await handler(shardEvent(body), lambdaContext(60_000));

    expect(summary).toMatchObject({ read: 0, claimed: 0 });
    expect(dispatcher.accepted).toHaveLength(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.message).toMatch(/not a shard work item/);
  });

  it("works the good shards of a batch that also holds a bad message", async () => {
    const { lines, logger } = errorLines();
    const handler = createTickHandler({
      store: await storeWithDue(2),
      dispatcher: recordingDispatcher(),
      clock: manualClock(AT),
      logger,
      shardQueue: recordingShardQueue(),
    });

    const summary = await handler(shardEvent("nope", '{"shard":0}'), lambdaContext(60_000));

    expect(summary).toMatchObject({ claimed: 2 });
    expect(lines).toHaveLength(1);
  });

  it("names a missing environment variable", () => {
    expect(() => tickHandlerFromEnvironment({})).toThrow(ConfigurationError);
    expect(() => tickHandlerFromEnvironment({})).toThrow(/SCHEDULE_TABLE is not set/);
  });

  it("needs the shard queue's URL", () => {
    const env = {
      SCHEDULE_TABLE: "schedules",
      INVOCATIONS_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:invocations",
      INVOCATIONS_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/invocations",
      ERRORS_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:errors",
      AWS_REGION: "us-east-1",
    };
    expect(() => tickHandlerFromEnvironment(env)).toThrow(/TICK_SHARDS_QUEUE_URL is not set/);
  });
});
