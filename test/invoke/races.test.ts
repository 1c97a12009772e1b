import { beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../../src/clock.js";
import { ConflictError } from "../../src/errors.js";
import { createInvoker, type InvokerOptions } from "../../src/invoke/invoker.js";
import { silentLogger } from "../../src/logger.js";
import { defineJob } from "../../src/registry/define.js";
import { clearRegistry } from "../../src/registry/registry.js";
import { createMemoryStore } from "../../src/store/memory.js";
import { RUN_STATUS, type RunStatus } from "../../src/store/types.js";
import { envelope } from "../support/events.js";
import { invokerHarness, runOf, seedRun, seedSchedule } from "./fixtures.js";

const NOW = Date.parse("2026-01-05T09:10:00.000Z");

beforeEach(() => clearRegistry());

const setup = (options: Partial<InvokerOptions> = {}) => invokerHarness(new Date(NOW), options);

function countingJob(name = "hello", overlap: "allow" | "skip" = "allow") {
  const calls: string[] = [];
  defineJob({
    name,
    overlap,
    timeoutSeconds: 60,
    handler: (_payload, ctx) => void calls.push(ctx.runId),
  });
  return calls;
}

describe("redelivered messages", () => {
  it.each<[RunStatus]>([["SUCCEEDED"], ["SKIPPED"], ["MISSED"], ["EXPIRED"]])(
    "acknowledges a message whose run is already %s, without running the job",
    async (status) => {
      const { store, invoker } = setup();
      const calls = countingJob();
      const sent = envelope();
      await seedRun(store, sent, { status });
      const result = await invoker.processEnvelope(sent, { attempt: 2 });
      expect(result.outcome).toBe("duplicate");
      expect(calls).toEqual([]);
      expect((await runOf(store, sent))?.status).toBe(status);
    },
  );

  it("keeps failing a message whose run already FAILED, so that the queue dead-letters it", async () => {
    const { store, invoker, events, visibility, changeVisibility } = setup();
    const calls = countingJob();
    const sent = envelope();
    await seedRun(store, sent, { status: RUN_STATUS.FAILED });
    const result = await invoker.processEnvelope(sent, { attempt: 4, changeVisibility });
    expect(result.outcome).toBe("dead-letter");
    expect(result.error?.message).toBe(
      `run "${sent.runId}" already FAILED; this delivery fails so that the queue moves the message to its dead-letter queue`,
    );
    expect(calls).toEqual([]);
    expect(events).toEqual([]);
    expect(visibility).toEqual([0]);
  });
});

describe("concurrent deliveries", () => {
  it("run the job once: the other delivery is told to come back later", async () => {
    const { store, invoker, visibility, changeVisibility } = setup();
    let release: () => void = () => {};
    let calls = 0;
    defineJob({
      name: "hello",
      timeoutSeconds: 60,
      handler: () => {
        calls += 1;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
    const sent = envelope();
    await seedRun(store, sent);
    const first = invoker.processEnvelope(sent, { attempt: 1, changeVisibility });
    const second = invoker.processEnvelope(sent, { attempt: 1, changeVisibility });
    const busy = await second;
    release();
    const ran = await first;
    expect([ran.outcome, busy.outcome]).toEqual(["succeeded", "busy"]);
    expect(busy.error).toBeInstanceOf(ConflictError);
    expect(calls).toBe(1);
    // It comes back when the running attempt must be over: timeout 60 s + 60 s grace.
    expect(visibility).toEqual([120]);
    expect((await runOf(store, sent))?.status).toBe("SUCCEEDED");
  });

  it("treat a redelivery while the run is RUNNING as busy until the run would be stale", async () => {
    const { store, invoker, visibility, changeVisibility } = setup();
    const calls = countingJob();
    const sent = envelope();
    await seedRun(store, sent, { status: RUN_STATUS.RUNNING, startedAt: NOW - 20_000 });
    const result = await invoker.processEnvelope(sent, { attempt: 2, changeVisibility });
    expect(result.outcome).toBe("busy");
    expect(calls).toEqual([]);
    expect(visibility).toEqual([100]);
  });

  it("take over a RUNNING run whose runner must have died", async () => {
    const { store, invoker } = setup();
    const calls = countingJob();
    const sent = envelope();
    await seedRun(store, sent, { status: RUN_STATUS.RUNNING, startedAt: NOW - 121_000 });
    const result = await invoker.processEnvelope(sent, { attempt: 2 });
    expect(result.outcome).toBe("succeeded");
    expect(calls).toEqual([sent.runId]);
    expect(await runOf(store, sent)).toMatchObject({
      status: "SUCCEEDED",
      attempt: 2,
      startedAt: NOW,
    });
  });

  it("count a run of a job without a timeout as alive for Lambda's 15 minutes", async () => {
    const { store, invoker, visibility, changeVisibility } = setup({ runningGraceSeconds: 0 });
    defineJob({ name: "hello", handler: () => {} });
    const sent = envelope();
    await seedRun(store, sent, { status: RUN_STATUS.RUNNING, startedAt: NOW - 899_000 });
    expect((await invoker.processEnvelope(sent, { attempt: 2, changeVisibility })).outcome).toBe(
      "busy",
    );
    expect(visibility).toEqual([1]);
  });
});

describe("overlap", () => {
  const previousAndNext = () => {
    const previous = envelope({ scheduledAt: "2026-01-05T09:00:00.000Z" });
    const next = envelope({ scheduledAt: "2026-01-05T09:10:00.000Z" });
    return { previous, next };
  };

  it("skips a run of a skip job while the schedule's previous run is RUNNING, recording SKIPPED", async () => {
    const { store, invoker } = setup();
    const calls = countingJob("hello", "skip");
    const { previous, next } = previousAndNext();
    await seedRun(store, previous, { status: RUN_STATUS.RUNNING, startedAt: NOW - 5_000 });
    await seedRun(store, next);
    const result = await invoker.processEnvelope(next, { attempt: 1 });
    expect(result.outcome).toBe("skipped");
    expect(calls).toEqual([]);
    expect(await runOf(store, next)).toMatchObject({
      status: "SKIPPED",
      finishedAt: NOW,
      expiresAt: Math.floor(NOW / 1000) + 30 * 86_400,
    });
  });

  it.each<[string, "allow" | "skip", "allow" | "skip" | undefined, string]>([
    ["the schedule says skip over a job that allows", "allow", "skip", "skipped"],
    ["the schedule says allow over a job that skips", "skip", "allow", "succeeded"],
    ["the job allows and the schedule says nothing", "allow", undefined, "succeeded"],
  ])(
    "follows the schedule's policy, carried in the envelope, first: %s",
    async (_case, jobOverlap, scheduleOverlap, outcome) => {
      const { store, invoker } = setup();
      countingJob("hello", jobOverlap);
      const { previous, next } = previousAndNext();
      await seedRun(store, previous, { status: RUN_STATUS.RUNNING, startedAt: NOW - 5_000 });
      const sent = scheduleOverlap === undefined ? next : { ...next, overlap: scheduleOverlap };
      expect((await invoker.processEnvelope(sent, { attempt: 1 })).outcome).toBe(outcome);
    },
  );

  it.each<[string, RunStatus, number | undefined]>([
    ["finished", "SUCCEEDED", undefined],
    ["RUNNING so long that its runner must have died", "RUNNING", NOW - 200_000],
  ])("runs when the previous run is %s", async (_case, status, startedAt) => {
    const { store, invoker } = setup();
    const calls = countingJob("hello", "skip");
    const { previous, next } = previousAndNext();
    await seedRun(store, previous, { status, ...(startedAt === undefined ? {} : { startedAt }) });
    await seedRun(store, next);
    expect((await invoker.processEnvelope(next, { attempt: 1 })).outcome).toBe("succeeded");
    expect(calls).toEqual([next.runId]);
  });

  it("looks only at earlier runs, not at later ones", async () => {
    const { store, invoker } = setup();
    countingJob("hello", "skip");
    const { previous, next } = previousAndNext();
    await seedRun(store, next, { status: RUN_STATUS.RUNNING, startedAt: NOW - 1_000 });
    await seedRun(store, previous);
    expect((await invoker.processEnvelope(previous, { attempt: 1 })).outcome).toBe("succeeded");
  });
});

describe("a scheduled occurrence, which has no run until it starts", () => {
  it("is created by the start, without its payload (the schedule keeps that), and runs", async () => {
    const { store, invoker } = setup();
    const calls = countingJob();
    const sent = envelope();
    await seedSchedule(store, sent);
    expect((await invoker.processEnvelope(sent, { attempt: 1 })).outcome).toBe("succeeded");
    expect(calls).toEqual([sent.runId]);
    const run = await runOf(store, sent);
    expect(run).toMatchObject({
      status: "SUCCEEDED",
      attempt: 1,
      dueAt: Date.parse(sent.scheduledAt),
      createdAt: NOW,
      startedAt: NOW,
    });
    expect(run?.payload).toBeUndefined();
  });

  it("costs one write, the start, and one read beside it (the schedule) before the job runs (overlap allow)", async () => {
    const calls: string[] = [];
    const store = createMemoryStore({ clock: manualClock(new Date(NOW)) });
    const counted = new Proxy(store, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          calls.push(String(name));
          return value.apply(target, args);
        };
      },
    });
    const invoker = createInvoker({
      store: counted,
      clock: manualClock(new Date(NOW)),
      logger: silentLogger,
      errorPublisher: { publish: async () => {} },
    });
    let before: string[] | undefined;
    defineJob({
      name: "hello",
      overlap: "allow",
      handler: () => {
        before = [...calls];
      },
    });
    const sent = envelope();
    await seedSchedule(store, sent);
    expect((await invoker.processEnvelope(sent, { attempt: 1 })).outcome).toBe("succeeded");
    // The read goes out first and the start without waiting for it: neither adds latency.
    expect(before).toEqual(["getSchedule", "startRun"]);
    expect(calls).toEqual(["getSchedule", "startRun", "updateRun"]);
  });

  it("records the delivery's own attempt: nothing is read before the run starts", async () => {
    const { store, invoker } = setup();
    countingJob();
    const sent = envelope();
    await seedRun(store, sent, { status: RUN_STATUS.RETRYING });
    await invoker.processEnvelope(sent, { attempt: 3 });
    expect(await runOf(store, sent)).toMatchObject({ status: "SUCCEEDED", attempt: 3 });
  });
});
