/**
 * End to end on the local AWS emulator: schedule → tick → SNS → SQS → invoke → job → history,
 * with the same handlers the Lambdas run.
 */
import { describe, expect, it } from "vitest";
import { createSchedule } from "../../src/control/index.js";
import type { Dispatcher } from "../../src/dispatch/types.js";
import type { JsonValue } from "../../src/json.js";
import { defineJob } from "../../src/registry/define.js";
import { registryJobs } from "../../src/registry/registry.js";
import { receiveMessages } from "../dispatch/aws-queues.js";
import { createE2eStack } from "./stack.js";

const greeted: JsonValue[] = [];
defineJob({
  name: "e2e-greet",
  handler(payload) {
    greeted.push(payload);
    return { ok: true };
  },
});
defineJob({
  name: "e2e-fail",
  retry: { attempts: 2, backoffSeconds: 0 },
  handler() {
    throw new Error("the disk is full");
  },
});

describe("end to end on AWS (emulated)", () => {
  it("runs a new schedule's job with its payload and records SUCCEEDED", async () => {
    const stack = await createE2eStack();
    const { schedule } = await createSchedule(
      { job: "e2e-greet", expression: "rate(1 hour)", payload: { name: "Ada", n: 1 } },
      { store: stack.store, jobs: registryJobs },
    );
    const summary = await stack.tick();
    expect(summary).toMatchObject({ read: 1, claimed: 1, dispatched: 1, failed: 0 });
    const succeeded = async () =>
      (await stack.store.listRuns(schedule.id)).items[0]?.status === "SUCCEEDED";
    expect(await stack.pump({ until: succeeded })).toBe(1);
    expect(greeted).toContainEqual({ name: "Ada", n: 1 });
    const { items } = await stack.store.listRuns(schedule.id);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ status: "SUCCEEDED", attempt: 1, result: { ok: true } });
  });

  it("sends a precise occurrence straight to the queue, delayed to its time", async () => {
    const stack = await createE2eStack();
    const start = new Date(Date.now() + 2_000);
    start.setMilliseconds(0);
    const { schedule } = await createSchedule(
      {
        job: "e2e-greet",
        expression: "rate(1 hour)",
        precise: true,
        startAt: start,
        payload: { precise: true },
      },
      { store: stack.store, jobs: registryJobs },
    );
    expect(await stack.tick()).toMatchObject({ claimed: 1, dispatched: 1 });
    expect(await receiveMessages(stack.sqs, stack.queue, 1, 500)).toHaveLength(0);
    await stack.pump({
      until: async () => (await stack.store.listRuns(schedule.id)).items[0]?.status === "SUCCEEDED",
    });
    const [run] = (await stack.store.listRuns(schedule.id)).items;
    expect(run?.status).toBe("SUCCEEDED");
    expect(run?.startedAt).toBeGreaterThanOrEqual(start.getTime());
  });

  it("retries a failing job, then dead-letters it and reports the failure on the errors topic", async () => {
    const stack = await createE2eStack({ maxReceiveCount: 3 });
    const { schedule } = await createSchedule(
      { job: "e2e-fail", expression: "rate(1 hour)" },
      { store: stack.store, jobs: registryJobs },
    );
    await stack.tick();
    await stack.pump({ until: async () => (await stack.depth(stack.deadLetters)) > 0 });
    const [run] = (await stack.store.listRuns(schedule.id)).items;
    expect(run).toMatchObject({ status: "FAILED", attempt: 2 });
    expect(run?.error?.message).toContain("the disk is full");
    expect(await stack.depth(stack.deadLetters)).toBe(1);
    const events = await stack.failureEvents(2);
    expect(events.map((e) => [e.type, e.attempt, e.final])).toEqual([
      ["run.failed", 1, false],
      ["run.failed", 2, true],
    ]);
    expect(events[1]).toMatchObject({
      job: "e2e-fail",
      scheduleId: schedule.id,
      runId: run?.runId,
    });
  });

  it("dispatches each occurrence exactly once when two ticks race on DynamoDB", async () => {
    const stack = await createE2eStack();
    for (let i = 0; i < 12; i++) {
      await createSchedule(
        { id: `race-${i}`, job: "e2e-greet", expression: "rate(1 hour)", payload: { i } },
        { store: stack.store, jobs: registryJobs },
      );
    }
    const [a, b] = await Promise.all([
      stack.tick({ tick: { pageSize: 5 } }),
      stack.tick({ tick: { pageSize: 5 } }),
    ]);
    expect((a?.claimed ?? 0) + (b?.claimed ?? 0)).toBe(12);
    // They met: on a shard the other held (its lease), or on a claim the other won.
    expect((a?.busy ?? 0) + (b?.busy ?? 0) + (a?.lost ?? 0) + (b?.lost ?? 0)).toBeGreaterThan(0);
    const messages = await receiveMessages(stack.sqs, stack.queue, 24, 2_000);
    const runIds = messages.map((m) => (JSON.parse(m.Body ?? "{}") as { runId: string }).runId);
    expect(runIds).toHaveLength(12);
    expect(new Set(runIds).size).toBe(12);
    for (let i = 0; i < 12; i++) {
      expect(await stack.store.getSchedule(`race-${i}`)).toMatchObject({ runCount: 1, version: 2 });
    }
  });

  it("sends again an occurrence whose tick crashed before claiming it", async () => {
    const stack = await createE2eStack();
    const { schedule } = await createSchedule(
      { job: "e2e-greet", expression: "rate(1 hour)", payload: { crash: true } },
      { store: stack.store, jobs: registryJobs },
    );
    const crashing: Dispatcher = {
      dispatch: async () => {
        throw new Error("the tick died here");
      },
    };
    // The tick sends before it claims: a send that fails leaves the schedule due.
    expect(await stack.tick({ dispatcher: crashing })).toMatchObject({
      claimed: 0,
      dispatched: 0,
      failed: 1,
    });
    expect((await stack.store.listRuns(schedule.id)).items).toEqual([]);
    expect(await stack.depth(stack.queue)).toBe(0);

    expect(await stack.tick()).toMatchObject({ claimed: 1, dispatched: 1 });
    const succeeded = async () =>
      (await stack.store.listRuns(schedule.id)).items[0]?.status === "SUCCEEDED";
    expect(await stack.pump({ until: succeeded })).toBe(1);
    expect(greeted).toContainEqual({ crash: true });
  });
});
