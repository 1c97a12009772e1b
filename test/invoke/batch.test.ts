import { beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../../src/clock.js";
import { encodeEnvelope } from "../../src/dispatch/envelope.js";
import { createLocalDispatcher } from "../../src/dispatch/local.js";
import type { QueueMessageRef } from "../../src/dispatch/visibility.js";
import { EnvelopeError, JobFailedError } from "../../src/errors.js";
import { createInvoker } from "../../src/invoke/invoker.js";
import { defineJob } from "../../src/registry/define.js";
import { clearRegistry } from "../../src/registry/registry.js";
import { manualTime } from "../dispatch/manual-time.js";
import { envelope, snsWrapped, sqsEvent, sqsRecord } from "../support/events.js";
import { harness, runOf, seedRun } from "./fixtures.js";

beforeEach(() => clearRegistry());

describe("processing an SQS batch", () => {
  it("settles each record in order: fulfilled when done with, rejected with the reason otherwise", async () => {
    const h = harness();
    const delays: [string | undefined, number][] = [];
    const invoker = createInvoker({
      store: h.store,
      clock: manualClock("2026-01-05T09:00:01Z"),
      logger: h.logger,
      errorPublisher: h.publisher,
      retryScheduler: {
        changeVisibility: async (message: QueueMessageRef, seconds: number) =>
          void delays.push([message.messageId, seconds]),
      },
    });
    defineJob({ name: "hello", handler: () => "ok" });
    defineJob({
      name: "flaky",
      retry: { attempts: 3, backoffSeconds: 5 },
      handler: () => {
        throw new Error("nope");
      },
    });
    const ok = envelope({ scheduleId: "ok", job: "hello" });
    const wrapped = envelope({ scheduleId: "wrapped", job: "hello" });
    const flaky = envelope({ scheduleId: "flaky", job: "flaky" });
    for (const e of [ok, wrapped, flaky]) await seedRun(h.store, e);

    const results = await invoker.processSqsEvent(
      sqsEvent(
        sqsRecord({ envelope: ok, messageId: "m-ok" }),
        sqsRecord({
          body: snsWrapped(encodeEnvelope(wrapped)),
          jobAttribute: null,
          messageId: "m-wrapped",
        }),
        sqsRecord({ envelope: flaky, receiveCount: 2, messageId: "m-flaky" }),
        sqsRecord({ body: "not an envelope", messageId: "m-junk" }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "rejected",
      "rejected",
    ]);
    expect(results[0]).toMatchObject({ value: { outcome: "succeeded", runId: ok.runId } });
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(JobFailedError);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({
      attempt: 2,
      runId: flaky.runId,
    });
    expect((results[3] as PromiseRejectedResult).reason).toBeInstanceOf(EnvelopeError);
    // Attempt 2 of the flaky job (its message was received twice) backs off 5·2¹ s.
    expect(delays).toEqual([["m-flaky", 10]]);
    expect((await runOf(h.store, wrapped))?.status).toBe("SUCCEEDED");
  });
});

describe("local deliveries", () => {
  it("retry through the local queue with the job's backoff, then succeed", async () => {
    const h = harness();
    const time = manualTime("2026-01-05T09:00:00Z");
    const invoker = createInvoker({
      store: h.store,
      clock: time.clock,
      logger: h.logger,
      errorPublisher: h.publisher,
    });
    const attempts: [number, string][] = [];
    defineJob({
      name: "flaky",
      retry: { attempts: 3, backoffSeconds: 10 },
      handler: (_payload, ctx) => {
        attempts.push([ctx.attempt, time.clock.now().toISOString()]);
        if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt} failed`);
      },
    });
    const dispatcher = createLocalDispatcher({
      consumer: invoker.processLocalDelivery,
      clock: time.clock,
      timers: time.timers,
      visibilityTimeoutSeconds: 600,
    });
    const sent = envelope({ job: "flaky", scheduledAt: "2026-01-05T09:00:00.000Z" });
    await seedRun(h.store, sent);
    await dispatcher.dispatch([{ envelope: sent }]);
    await time.advance(60_000);
    expect(attempts).toEqual([
      [1, "2026-01-05T09:00:00.000Z"],
      [2, "2026-01-05T09:00:10.000Z"],
      [3, "2026-01-05T09:00:30.000Z"],
    ]);
    expect((await runOf(h.store, sent))?.status).toBe("SUCCEEDED");
    expect(dispatcher.size).toBe(0);
    expect(h.events.map((e) => e.final)).toEqual([false, false]);
  });

  it("dead-letter a message after its job failed for good and the queue's receives ran out", async () => {
    const h = harness();
    const time = manualTime("2026-01-05T09:00:00Z");
    const invoker = createInvoker({
      store: h.store,
      clock: time.clock,
      logger: h.logger,
      errorPublisher: h.publisher,
    });
    defineJob({
      name: "broken",
      retry: { attempts: 2, backoffSeconds: 1 },
      handler: () => {
        throw new Error("always");
      },
    });
    const dispatcher = createLocalDispatcher({
      consumer: invoker.processLocalDelivery,
      clock: time.clock,
      timers: time.timers,
      maxReceiveCount: 3,
    });
    const sent = envelope({ job: "broken" });
    await seedRun(h.store, sent);
    await dispatcher.dispatch([{ envelope: sent }]);
    await time.advance(10_000);
    expect(dispatcher.deadLetters.map((d) => [d.envelope?.runId, d.receiveCount])).toEqual([
      [sent.runId, 3],
    ]);
    expect(await runOf(h.store, sent)).toMatchObject({ status: "FAILED", attempt: 2 });
    expect(h.events.map((e) => [e.attempt, e.final])).toEqual([
      [1, false],
      [2, true],
    ]);
  });
});
