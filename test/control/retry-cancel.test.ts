/**
 * Retry and cancel against a real store and the real invoke core: what each one refuses (and
 * that a refusal writes nothing and sends nothing), and that what it allows is then run, or
 * never run, by the invoke side.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { cancelRun, retryRun } from "../../src/control/index.js";
import { deliveryAttempt } from "../../src/dispatch/envelope.js";
import {
  InvalidScheduleError,
  RunNotFoundError,
  RunStateError,
  ScheduleNotFoundError,
} from "../../src/errors.js";
import { defineJob } from "../../src/registry/define.js";
import { clearRegistry } from "../../src/registry/registry.js";
import type { RunStatus } from "../../src/store/types.js";
import { invokerHarness, runOf, seedRun, seedSchedule } from "../invoke/fixtures.js";
import { envelope } from "../support/events.js";
import { recordingDispatcher } from "../tick/fakes.js";

const START = "2026-01-05T09:00:02.000Z";

beforeEach(() => clearRegistry());

/** An invoker, its store, a dispatcher that keeps what it is sent, and a job that counts its runs. */
function setup() {
  const h = invokerHarness(START);
  const dispatcher = recordingDispatcher();
  const calls: unknown[] = [];
  let failing = false;
  defineJob({
    name: "hello",
    retry: { attempts: 2 },
    handler: (payload) => {
      calls.push(payload);
      if (failing) throw new Error("downstream is down");
    },
  });
  return {
    ...h,
    dispatcher,
    calls,
    fail: (on: boolean) => {
      failing = on;
    },
    deps: { store: h.store, clock: h.clock, dispatcher },
  };
}

describe("retryRun", () => {
  it.each<RunStatus>([
    "DISPATCHED",
    "RUNNING",
    "RETRYING",
    "SUCCEEDED",
    "MISSED",
    "SKIPPED",
    "CANCELLED",
  ])("refuses a run that is %s, and changes and sends nothing", async (status) => {
    const { store, deps, dispatcher } = setup();
    const sent = envelope();
    const before = await seedRun(store, sent, { status });
    const retried = retryRun(deps, sent.runId);
    await expect(retried).rejects.toBeInstanceOf(RunStateError);
    await expect(retried).rejects.toThrow(`it is ${status}`);
    expect(await runOf(store, sent)).toStrictEqual(before);
    expect(dispatcher.accepted).toEqual([]);
  });

  it.each([
    ["a run id without a time", "nightly", "is not a run id"],
    [
      "a run id with a time not in the ISO form run ids use",
      "nightly@2026-01-05T09:00:00Z",
      "is not a run id",
    ],
    ["a run that does not exist", "nightly@2026-01-05T09:00:00.000Z", "does not exist"],
  ])("refuses %s with RunNotFoundError", async (_, runId, message) => {
    const { deps, dispatcher } = setup();
    const retried = retryRun(deps, runId);
    await expect(retried).rejects.toBeInstanceOf(RunNotFoundError);
    await expect(retried).rejects.toThrow(message);
    expect(dispatcher.accepted).toEqual([]);
  });

  it("refuses a run whose schedule is gone, and leaves it FAILED", async () => {
    const { store, deps } = setup();
    const sent = envelope();
    const before = await seedRun(store, sent, { status: "FAILED" });
    await store.deleteSchedule(sent.scheduleId);
    await store.createRun(before);
    await expect(retryRun(deps, sent.runId)).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect(await runOf(store, sent)).toStrictEqual(before);
  });

  it("runs a FAILED run again under its own id as its next attempt, which the invoke side starts", async () => {
    const { store, deps, dispatcher, invoker, calls, fail } = setup();
    const sent = envelope();
    await seedRun(store, sent);
    fail(true);
    for (const attempt of [1, 2]) await invoker.processEnvelope(sent, { attempt });
    expect(await runOf(store, sent)).toMatchObject({ status: "FAILED", attempt: 2 });

    fail(false);
    const { run, dispatched } = await retryRun(deps, sent.runId);
    expect(dispatched).toBe(true);
    expect(run).toMatchObject({ runId: sent.runId, status: "DISPATCHED", manual: true });
    const [again] = dispatcher.accepted;
    expect(again?.envelope).toMatchObject({ runId: sent.runId, attempt: 3, manual: true });
    if (again === undefined) throw new Error("nothing was sent");
    const result = await invoker.processEnvelope(again.envelope, {
      attempt: deliveryAttempt(again.envelope, 1),
    });
    expect(result).toMatchObject({ outcome: "succeeded", attempt: 3 });
    expect(await runOf(store, sent)).toMatchObject({ status: "SUCCEEDED", attempt: 3 });
    expect(calls).toHaveLength(3);
  });

  it("refuses a second retry of the same run, so that it is sent once", async () => {
    const { store, deps, dispatcher } = setup();
    const sent = envelope();
    await seedRun(store, sent, { status: "FAILED" });
    await retryRun(deps, sent.runId);
    await expect(retryRun(deps, sent.runId)).rejects.toThrow("it is DISPATCHED");
    expect(dispatcher.accepted).toHaveLength(1);
  });

  it("retries an EXPIRED run, which then runs although its deadline has passed", async () => {
    const { store, deps, dispatcher, invoker, calls } = setup();
    const sent = envelope({ deadline: "2026-01-05T09:00:01.000Z" });
    await seedRun(store, sent, { status: "EXPIRED" });
    await retryRun(deps, sent.runId);
    const again = dispatcher.accepted[0]?.envelope;
    if (again === undefined) throw new Error("nothing was sent");
    await invoker.processEnvelope(again, { attempt: again.attempt });
    expect(await runOf(store, sent)).toMatchObject({ status: "SUCCEEDED" });
    expect(calls).toEqual([sent.payload]);
  });
});

describe("cancelRun", () => {
  it.each<RunStatus>(["PENDING", "DISPATCHED", "RETRYING"])(
    "cancels a %s run, whose message the invoke side then acknowledges without running it",
    async (status) => {
      const { store, deps, invoker, calls } = setup();
      const sent = envelope();
      await seedRun(store, sent, { status });
      const { run, created } = await cancelRun(deps, sent.runId);
      expect(run).toMatchObject({ status: "CANCELLED", finishedAt: Date.parse(START) });
      expect(created).toBe(false);
      const result = await invoker.processEnvelope(sent, { attempt: 1 });
      expect(result).toMatchObject({ outcome: "duplicate" });
      expect(calls).toEqual([]);
      expect(await runOf(store, sent)).toStrictEqual(run);
    },
  );

  it("cancels a precise occurrence that has no record yet, and its delayed message never starts it", async () => {
    const { store, deps, invoker, calls } = setup();
    const sent = envelope({ scheduledAt: "2026-01-05T09:01:00.000Z" });
    await seedSchedule(store, sent);
    const { run, created } = await cancelRun(deps, sent.runId);
    expect(created).toBe(true);
    expect(run).toMatchObject({ runId: sent.runId, status: "CANCELLED", job: "hello" });
    const result = await invoker.processEnvelope(sent, { attempt: 1 });
    expect(result).toMatchObject({ outcome: "duplicate" });
    expect(calls).toEqual([]);
    expect(await runOf(store, sent)).toStrictEqual(run);
  });

  it.each<[RunStatus, string]>([
    ["RUNNING", "it has started"],
    ["SUCCEEDED", "it has ended already"],
    ["FAILED", "it has ended already"],
    ["CANCELLED", "it has ended already"],
  ])("refuses a run that is %s, and changes nothing", async (status, why) => {
    const { store, deps } = setup();
    const sent = envelope();
    const before = await seedRun(store, sent, { status, startedAt: Date.parse(START) });
    const cancelled = cancelRun(deps, sent.runId);
    await expect(cancelled).rejects.toBeInstanceOf(RunStateError);
    await expect(cancelled).rejects.toThrow(why);
    expect(await runOf(store, sent)).toStrictEqual(before);
  });

  it("refuses a time that is not an occurrence of the schedule, and writes nothing", async () => {
    const { store, deps } = setup();
    const sent = envelope({ scheduledAt: "2026-01-05T09:00:30.000Z" });
    await seedSchedule(store, sent);
    const cancelled = cancelRun(deps, sent.runId);
    await expect(cancelled).rejects.toBeInstanceOf(InvalidScheduleError);
    await expect(cancelled).rejects.toThrow("its next after that is 2026-01-05T09:01:00.000Z");
    expect(await runOf(store, sent)).toBeUndefined();
  });

  it("refuses a run of a schedule that does not exist, and writes nothing", async () => {
    const { store, deps } = setup();
    const sent = envelope();
    await expect(cancelRun(deps, sent.runId)).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect(await runOf(store, sent)).toBeUndefined();
  });
});
