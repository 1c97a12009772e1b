import { describe, expect, it } from "vitest";
import {
  createLocalDispatcher,
  type LocalConsumer,
  type LocalDelivery,
} from "../../src/dispatch/local.js";
import { ConfigurationError } from "../../src/errors.js";
import { envelope } from "../support/events.js";
import { manualTime } from "./manual-time.js";

function queue(
  consumer: LocalConsumer,
  options: { visibilityTimeoutSeconds?: number; maxReceiveCount?: number } = {},
) {
  const time = manualTime();
  const dispatcher = createLocalDispatcher({
    consumer,
    clock: time.clock,
    timers: time.timers,
    ...options,
  });
  return { time, dispatcher };
}

describe("the local dispatcher", () => {
  it("delivers a fresh copy of the envelope, receive count 1, at once", async () => {
    const deliveries: LocalDelivery[] = [];
    const { time, dispatcher } = queue((delivery) => {
      deliveries.push(delivery);
    });
    const sent = envelope();
    await dispatcher.dispatch([{ envelope: sent }]);
    expect(deliveries).toHaveLength(0);
    await time.advance(0);
    expect(deliveries.map((d) => [d.envelope, d.receiveCount])).toEqual([[sent, 1]]);
    expect(deliveries[0]?.envelope).not.toBe(sent);
    expect(dispatcher.size).toBe(0);
  });

  it("delivers a delayed envelope when its delay has passed, not before", async () => {
    const seen: number[] = [];
    const { time, dispatcher } = queue(() => {
      seen.push(time.clock.now().getTime());
    });
    const start = time.clock.now().getTime();
    await dispatcher.dispatch([{ envelope: envelope(), delaySeconds: 30 }]);
    await time.advance(29_999);
    expect(seen).toEqual([]);
    await time.advance(1);
    expect(seen).toEqual([start + 30_000]);
  });

  it("redelivers a failed message after the visibility timeout, counting receives", async () => {
    const counts: number[] = [];
    const { time, dispatcher } = queue(
      (delivery) => {
        counts.push(delivery.receiveCount);
        if (delivery.receiveCount < 3) throw new Error("not yet");
      },
      { visibilityTimeoutSeconds: 10 },
    );
    await dispatcher.dispatch([{ envelope: envelope() }]);
    await time.advance(0);
    expect(counts).toEqual([1]);
    await time.advance(9_999);
    expect(counts).toEqual([1]);
    await time.advance(1);
    expect(counts).toEqual([1, 2]);
    await time.advance(10_000);
    expect(counts).toEqual([1, 2, 3]);
    expect(dispatcher.size).toBe(0);
    expect(dispatcher.deadLetters).toEqual([]);
  });

  it("redelivers after the visibility the consumer set, as ChangeMessageVisibility does", async () => {
    const times: number[] = [];
    const { time, dispatcher } = queue(
      (delivery) => {
        times.push(time.clock.now().getTime());
        if (delivery.receiveCount === 1) {
          delivery.changeVisibility(2);
          throw new Error("retry soon");
        }
      },
      { visibilityTimeoutSeconds: 300 },
    );
    await dispatcher.dispatch([{ envelope: envelope() }]);
    await time.advance(2_000);
    expect(times.slice(1).map((at, index) => at - (times[index] ?? 0))).toEqual([2_000]);
  });

  it("moves a message that keeps failing to the dead-letter list after maxReceiveCount receives", async () => {
    const counts: number[] = [];
    const moved: string[] = [];
    const time = manualTime();
    const dispatcher = createLocalDispatcher({
      consumer: (delivery) => {
        counts.push(delivery.receiveCount);
        throw new Error(`failure ${delivery.receiveCount}`);
      },
      clock: time.clock,
      timers: time.timers,
      visibilityTimeoutSeconds: 1,
      maxReceiveCount: 3,
      onDeadLetter: (letter) => moved.push(letter.envelope?.runId ?? letter.messageId),
    });
    const sent = envelope();
    await dispatcher.dispatch([{ envelope: sent }]);
    await time.advance(10_000);
    expect(counts).toEqual([1, 2, 3]);
    expect(dispatcher.deadLetters).toEqual([
      {
        messageId: expect.any(String),
        body: expect.any(String),
        envelope: sent,
        receiveCount: 3,
        lastError: new Error("failure 3"),
        movedAt: new Date("2026-01-05T09:00:03.000Z"),
      },
    ]);
    expect(moved).toEqual([sent.runId]);
    expect(dispatcher.size).toBe(0);
  });

  it("resolves idle once every message is deleted or dead-lettered", async () => {
    const { time, dispatcher } = queue(() => {}, {});
    await dispatcher.dispatch([{ envelope: envelope(), delaySeconds: 5 }]);
    let idle = false;
    const waiting = dispatcher.idle().then(() => {
      idle = true;
    });
    await time.advance(4_000);
    expect(idle).toBe(false);
    await time.advance(1_000);
    await waiting;
    expect(idle).toBe(true);
  });

  it("stops delivering when closed and waits for the delivery in progress", async () => {
    let release: () => void = () => {};
    const finished: string[] = [];
    const { time, dispatcher } = queue(async (delivery) => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      finished.push(delivery.envelope.runId);
    });
    const first = envelope({ scheduleId: "first" });
    await dispatcher.dispatch([
      { envelope: first },
      { envelope: envelope({ scheduleId: "later" }), delaySeconds: 60 },
    ]);
    await time.advance(0);
    const closing = dispatcher.close();
    release();
    await closing;
    expect(finished).toEqual([first.runId]);
    expect(time.pending()).toBe(0);
    await expect(dispatcher.dispatch([{ envelope: envelope() }])).rejects.toThrow(
      "the local dispatcher is closed",
    );
  });

  it.each([
    [{ visibilityTimeoutSeconds: -1 }, "visibilityTimeoutSeconds must be from 0 to 43200, got -1"],
    [{ maxReceiveCount: 0 }, "maxReceiveCount must be a whole number ≥ 1, got 0"],
  ])("refuses the options %j", (options, message) => {
    expect(() => createLocalDispatcher({ consumer: () => {}, ...options })).toThrow(
      ConfigurationError,
    );
    expect(() => createLocalDispatcher({ consumer: () => {}, ...options })).toThrow(message);
  });
});
