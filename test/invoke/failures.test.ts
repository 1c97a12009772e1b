import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ConfigurationError,
  InvalidPayloadError,
  JobFailedError,
  UnknownJobError,
} from "../../src/errors.js";
import { createInvoker, type InvokerOptions } from "../../src/invoke/invoker.js";
import { defineJob } from "../../src/registry/define.js";
import { clearRegistry } from "../../src/registry/registry.js";
import { envelope } from "../support/events.js";
import { harness, invokerHarness, runOf, seedRun } from "./fixtures.js";

const START = "2026-01-05T09:00:02.000Z";
const DAY_SECONDS = 86_400;

beforeEach(() => clearRegistry());

const setup = (options: Partial<InvokerOptions> = {}) => invokerHarness(START, options);

describe("the invoke core, on failure", () => {
  const failing = (attempts = 3, backoffSeconds = 10) =>
    defineJob({
      name: "flaky",
      retry: { attempts, backoffSeconds },
      handler: () => {
        throw new RangeError("volume vol-1 not found");
      },
    });

  it("retries with exponential backoff, then fails for good on the last attempt", async () => {
    const { store, invoker, events, visibility, changeVisibility } = setup();
    failing(3, 10);
    const sent = envelope({ job: "flaky" });
    await seedRun(store, sent);

    const outcomes = [];
    for (const attempt of [1, 2, 3]) {
      const result = await invoker.processEnvelope(sent, { attempt, changeVisibility });
      outcomes.push(result.outcome);
      expect(result.error).toBeInstanceOf(JobFailedError);
      expect((await runOf(store, sent))?.status).toBe(attempt < 3 ? "RETRYING" : "FAILED");
    }
    expect(outcomes).toEqual(["failed-retry", "failed-retry", "failed-final"]);
    expect(visibility).toEqual([10, 20, 0]);
    expect(events.map((e) => [e.attempt, e.final])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(events[2]).toEqual({
      type: "run.failed",
      job: "flaky",
      scheduleId: "nightly",
      runId: sent.runId,
      attempt: 3,
      final: true,
      error: { name: "RangeError", message: "volume vol-1 not found" },
      at: START,
    });
    expect(await runOf(store, sent)).toMatchObject({
      status: "FAILED",
      attempt: 3,
      finishedAt: Date.parse(START),
      expiresAt: Math.floor(Date.parse(START) / 1000) + 30 * DAY_SECONDS,
      error: {
        name: "RangeError",
        message: "volume vol-1 not found",
        stack: expect.stringContaining("RangeError"),
      },
    });
  });

  it("succeeds on a retry and clears the earlier attempt's error", async () => {
    const { store, invoker } = setup();
    let calls = 0;
    defineJob({
      name: "flaky",
      handler: () => {
        calls += 1;
        if (calls === 1) throw new Error("first time");
      },
    });
    const sent = envelope({ job: "flaky" });
    await seedRun(store, sent);
    expect((await invoker.processEnvelope(sent, { attempt: 1 })).outcome).toBe("failed-retry");
    expect((await invoker.processEnvelope(sent, { attempt: 2 })).outcome).toBe("succeeded");
    const run = await runOf(store, sent);
    expect(run).toMatchObject({ status: "SUCCEEDED", attempt: 2 });
    expect(run?.error).toBeUndefined();
  });

  it("caps the backoff at SQS's 12 hours", async () => {
    const { store, invoker, visibility, changeVisibility } = setup();
    failing(20, 3_600);
    const sent = envelope({ job: "flaky" });
    await seedRun(store, sent);
    await invoker.processEnvelope(sent, { attempt: 5, changeVisibility });
    expect(visibility).toEqual([43_200]);
  });

  it("bounds the recorded error: message 4 KiB, stack 8 KiB", async () => {
    const { store, invoker } = setup();
    defineJob({
      name: "verbose",
      retry: { attempts: 1 },
      handler: () => {
        const error = new Error("é".repeat(5_000));
        error.stack = "s".repeat(20_000);
        throw error;
      },
    });
    const sent = envelope({ job: "verbose" });
    await seedRun(store, sent);
    await invoker.processEnvelope(sent, { attempt: 1 });
    const error = (await runOf(store, sent))?.error;
    expect(Buffer.byteLength(error?.message ?? "")).toBeLessThanOrEqual(4 * 1024);
    expect(error?.message.endsWith("é…")).toBe(true);
    expect(Buffer.byteLength(error?.stack ?? "")).toBeLessThanOrEqual(8 * 1024);
  });

  it("records a non-Error that was thrown as an Error saying what it was", async () => {
    const { store, invoker } = setup();
    defineJob({
      name: "odd",
      retry: { attempts: 1 },
      handler: () => {
        throw { code: 7 };
      },
    });
    const sent = envelope({ job: "odd" });
    await seedRun(store, sent);
    await invoker.processEnvelope(sent, { attempt: 1 });
    expect((await runOf(store, sent))?.error).toMatchObject({
      name: "Error",
      message: 'a non-Error value was thrown: {"code":7}',
    });
  });

  it("fails a payload that no longer fits the schema for good, without calling the handler", async () => {
    const { store, invoker, events } = setup();
    let called = false;
    defineJob({
      name: "snapshot",
      payload: z.object({ volumeIds: z.array(z.string()) }),
      handler: () => {
        called = true;
      },
    });
    const sent = envelope({ job: "snapshot", payload: { volumeIds: "vol-1" } });
    await seedRun(store, sent);
    const result = await invoker.processEnvelope(sent, { attempt: 1 });
    expect(result.outcome).toBe("failed-final");
    expect((result.error as JobFailedError).cause).toBeInstanceOf(InvalidPayloadError);
    expect(called).toBe(false);
    expect((await runOf(store, sent))?.error?.message).toMatch(
      /^payload for job "snapshot" is invalid: \$\.volumeIds: /,
    );
    expect(events.map((e) => e.final)).toEqual([true]);
  });

  it("fails an unknown job for good, records it FAILED and names the jobs it knows", async () => {
    const { store, invoker, events, visibility, changeVisibility } = setup({
      finalVisibilitySeconds: 5,
    });
    defineJob({ name: "hello", handler: () => {} });
    const sent = envelope({ job: "helo" });
    await seedRun(store, sent);
    const result = await invoker.processEnvelope(sent, { attempt: 1, changeVisibility });
    expect(result.outcome).toBe("failed-final");
    expect(result.error).toBeInstanceOf(UnknownJobError);
    expect(await runOf(store, sent)).toMatchObject({
      status: "FAILED",
      attempt: 1,
      error: { name: "UnknownJobError", message: 'unknown job "helo"; registered jobs: hello' },
    });
    expect(events).toMatchObject([
      { job: "helo", final: true, error: { name: "UnknownJobError" } },
    ]);
    expect(visibility).toEqual([5]);
  });

  it("lets a store failure escape, so that the message is delivered again", async () => {
    const { store, invoker } = setup();
    defineJob({ name: "hello", handler: () => {} });
    store.startRun = async () => {
      throw new Error("store unreachable");
    };
    await expect(invoker.processEnvelope(envelope(), { attempt: 1 })).rejects.toThrow(
      "store unreachable",
    );
  });

  it("keeps going when the message's visibility cannot be changed", async () => {
    const { store, invoker } = setup();
    failing();
    const sent = envelope({ job: "flaky" });
    await seedRun(store, sent);
    const result = await invoker.processEnvelope(sent, {
      attempt: 1,
      changeVisibility: () => Promise.reject(new Error("AccessDenied")),
    });
    expect(result.outcome).toBe("failed-retry");
  });
});

describe("createInvoker", () => {
  it.each([
    [{ retentionDays: -1 }, "createInvoker: retentionDays must be a number ≥ 0, got -1"],
    [
      { deadlineMarginMs: Number.NaN },
      "createInvoker: deadlineMarginMs must be a number ≥ 0, got NaN",
    ],
    [{ store: undefined }, "createInvoker: store must be a ScheduleStore"],
  ])("refuses %j", (options, message) => {
    const { store } = harness();
    expect(() => createInvoker({ store, ...options } as InvokerOptions)).toThrow(
      ConfigurationError,
    );
    expect(() => createInvoker({ store, ...options } as InvokerOptions)).toThrow(message);
  });
});
