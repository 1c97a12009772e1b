import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { defineJob } from "../../src/registry/define.js";
import { clearRegistry } from "../../src/registry/registry.js";
import { envelope, sqsEvent, sqsRecord } from "../support/events.js";
import { invokerHarness, runOf, seedRun } from "./fixtures.js";

const NOW = Date.parse("2026-01-05T09:00:01.000Z");

// Timeouts run on fake timers: a test advances time instead of waiting for it.
beforeEach(() => {
  clearRegistry();
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Settles `work` after advancing the fake timers by `ms`. */
async function settledAfter<T>(ms: number, work: Promise<T>): Promise<T> {
  await vi.advanceTimersByTimeAsync(ms);
  return work;
}

const setup = () => invokerHarness(new Date(NOW));

/** A handler that waits for its signal and reports when and why it fired. */
function signalWatcher(name: string, timeoutSeconds?: number) {
  const seen: { reason?: unknown; afterMs?: number } = {};
  defineJob({
    name,
    retry: { attempts: 1 },
    ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
    handler: (_payload, ctx) =>
      new Promise((_resolve, reject) => {
        const started = performance.now();
        ctx.signal.addEventListener("abort", () => {
          seen.afterMs = performance.now() - started;
          seen.reason = ctx.signal.reason;
          reject(ctx.signal.reason);
        });
      }),
  });
  return seen;
}

describe("the job's abort signal", () => {
  it("fires at the job's timeout, and the attempt fails with a TimeoutError", async () => {
    const { store, invoker } = setup();
    const seen = signalWatcher("slow", 0.05);
    const sent = envelope({ job: "slow" });
    await seedRun(store, sent);
    const result = await settledAfter(50, invoker.processEnvelope(sent, { attempt: 1 }));
    expect(seen.afterMs).toBeGreaterThanOrEqual(45);
    expect(seen.reason).toMatchObject({
      name: "TimeoutError",
      message: 'job "slow" timed out after 0.05 s (its timeoutSeconds)',
    });
    expect(result.outcome).toBe("failed-final");
    expect((await runOf(store, sent))?.error).toMatchObject({
      name: "TimeoutError",
      message: 'job "slow" timed out after 0.05 s (its timeoutSeconds)',
    });
  });

  it("fires before the invocation's deadline when that comes first", async () => {
    const { store, invoker } = setup();
    const seen = signalWatcher("slow", 600);
    const sent = envelope({ job: "slow" });
    await seedRun(store, sent);
    await settledAfter(40, invoker.processEnvelope(sent, { attempt: 1, deadline: NOW + 40 }));
    expect(seen.afterMs).toBeGreaterThanOrEqual(35);
    expect(seen.afterMs).toBeLessThan(1_000);
    expect((seen.reason as Error).message).toBe(
      'job "slow" was stopped before the invocation\'s deadline (40 ms were left when it started)',
    );
  });

  it("ends the attempt at the timeout even when the handler ignores the signal", async () => {
    const { store, invoker } = setup();
    defineJob({
      name: "stubborn",
      timeoutSeconds: 0.03,
      retry: { attempts: 2 },
      handler: () => new Promise(() => {}),
    });
    const sent = envelope({ job: "stubborn" });
    await seedRun(store, sent);
    const result = await settledAfter(30, invoker.processEnvelope(sent, { attempt: 1 }));
    expect(result.outcome).toBe("failed-retry");
    expect((await runOf(store, sent))?.status).toBe("RETRYING");
  });

  it("does not fire for a job that finishes in time", async () => {
    const { store, invoker } = setup();
    let signal: AbortSignal | undefined;
    defineJob({
      name: "quick",
      timeoutSeconds: 0.03,
      handler: (_payload, ctx) => {
        signal = ctx.signal;
      },
    });
    const sent = envelope({ job: "quick" });
    await seedRun(store, sent);
    expect((await invoker.processEnvelope(sent, { attempt: 1 })).outcome).toBe("succeeded");
    await vi.advanceTimersByTimeAsync(50);
    expect(signal?.aborted).toBe(false);
  });

  it("takes the deadline from the Lambda's remaining time minus the safety margin", async () => {
    const { store, invoker } = invokerHarness(new Date(NOW), { deadlineMarginMs: 1_000 });
    const seen = signalWatcher("slow");
    const sent = envelope({ job: "slow" });
    await seedRun(store, sent);
    await settledAfter(
      40,
      invoker.processSqsEvent(sqsEvent(sqsRecord({ envelope: sent })), {
        getRemainingTimeInMillis: () => 1_040,
      }),
    );
    expect(seen.afterMs).toBeGreaterThanOrEqual(35);
    expect(seen.afterMs).toBeLessThan(1_000);
  });
});
