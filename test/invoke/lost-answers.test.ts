/**
 * Answers lost on the way back from the store: the write took, but the delivery never heard.
 * DynamoDB's SDK then retries the write, and the retry loses its condition against the
 * delivery's own write. The store below does exactly that: it performs the start, then the
 * retry, and answers with the retry's ConflictError.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { defineJob } from "../../src/registry/define.js";
import { clearRegistry } from "../../src/registry/registry.js";
import type { ScheduleStore } from "../../src/store/types.js";
import { envelope } from "../support/events.js";
import { harness, invokerHarness, runOf, seedSchedule } from "./fixtures.js";

const START = "2026-01-05T09:00:02.000Z";

beforeEach(() => clearRegistry());

/** `store`, except that its first start's answer is lost and the start retried. */
function losingFirstStartAnswer(store: ScheduleStore): ScheduleStore {
  let lost = false;
  return {
    ...store,
    startRun: async (run, condition) => {
      if (lost) return store.startRun(run, condition);
      lost = true;
      await store.startRun(run, condition);
      return store.startRun(run, condition);
    },
  };
}

describe("a start whose answer is lost and retried", () => {
  it("recognises its own RUNNING write by its owner token and runs the job at once", async () => {
    const base = harness();
    const { invoker, visibility, changeVisibility } = invokerHarness(START, {
      store: losingFirstStartAnswer(base.store),
    });
    const ran: string[] = [];
    defineJob({ name: "hello", handler: (_payload, ctx) => void ran.push(ctx.runId) });
    const sent = envelope();
    await seedSchedule(base.store, sent);

    const result = await invoker.processEnvelope(sent, { attempt: 1, changeVisibility });

    expect(result.outcome).toBe("succeeded");
    expect(ran).toEqual([sent.runId]);
    // Not hidden for ~16 minutes as though another delivery held the run.
    expect(visibility).toEqual([]);
    expect(await runOf(base.store, sent)).toMatchObject({ status: "SUCCEEDED", attempt: 1 });
  });

  it("still leaves a run that another delivery started to that delivery", async () => {
    const { store, invoker, visibility, changeVisibility } = invokerHarness(START);
    defineJob({ name: "hello", handler: () => undefined });
    const sent = envelope();
    await seedSchedule(store, sent);
    const scheduledAt = Date.parse(sent.scheduledAt);
    await store.startRun(
      {
        runId: sent.runId,
        scheduleId: sent.scheduleId,
        job: "hello",
        scheduledAt,
        dueAt: scheduledAt,
        status: "RUNNING",
        attempt: 1,
        createdAt: Date.parse(START),
        updatedAt: Date.parse(START),
        startedAt: Date.parse(START),
        owner: "another-delivery",
      },
      { expect: [] },
    );

    const result = await invoker.processEnvelope(sent, { attempt: 2, changeVisibility });

    expect(result.outcome).toBe("busy");
    expect(visibility).toHaveLength(1);
  });
});
