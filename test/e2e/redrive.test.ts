/**
 * Redrive on the emulator: a run that failed for good is dead-lettered by the queue's real
 * redrive policy; a dry run lists it and changes nothing; redrive moves it back and reconciles
 * its run, and the invoke handler then runs it to SUCCEEDED.
 */
import { describe, expect, it } from "vitest";
import { createSchedule, REDRIVE_OUTCOME, redrive } from "../../src/control/index.js";
import { createSqsDeadLetterQueue } from "../../src/dispatch/dead-letters.js";
import { defineJob } from "../../src/registry/define.js";
import { registryJobs } from "../../src/registry/registry.js";
import { createE2eStack } from "./stack.js";

/** Fails until told otherwise, as a job does while what it calls is down. */
const downstream = { up: false };
const served: unknown[] = [];
defineJob({
  name: "e2e-flaky",
  retry: { attempts: 2, backoffSeconds: 0 },
  handler(payload) {
    if (!downstream.up) throw new Error("the downstream service is down");
    served.push(payload);
    return { served: true };
  },
});

describe("redrive on AWS (emulated)", () => {
  it("brings a dead-lettered run back, and it runs to SUCCEEDED", async () => {
    const stack = await createE2eStack({ maxReceiveCount: 3 });
    const { schedule } = await createSchedule(
      { job: "e2e-flaky", expression: "rate(1 hour)", payload: { order: 42 } },
      { store: stack.store, jobs: registryJobs },
    );
    await stack.tick();
    await stack.pump({ until: async () => (await stack.depth(stack.deadLetters)) > 0 });
    const [failed] = (await stack.store.listRuns(schedule.id)).items;
    expect(failed).toMatchObject({ status: "FAILED", attempt: 2 });
    expect((await stack.store.queryRuns({ status: "FAILED" })).items).toHaveLength(1);

    const queue = createSqsDeadLetterQueue({
      deadLetterQueueUrl: stack.deadLetters.url,
      queueUrl: stack.queue.url,
      client: stack.sqs,
    });
    const dry = await redrive({ store: stack.store }, queue, { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, moved: 0, reconciled: 1, left: 1 });
    expect(dry.items).toEqual([
      expect.objectContaining({
        outcome: REDRIVE_OUTCOME.wouldMove,
        runId: failed?.runId,
        status: "FAILED",
      }),
    ]);
    expect(await stack.depth(stack.deadLetters)).toBe(1);
    expect((await stack.store.listRuns(schedule.id)).items[0]?.status).toBe("FAILED");

    downstream.up = true;
    const result = await redrive({ store: stack.store }, queue);
    expect(result).toMatchObject({ dryRun: false, moved: 1, reconciled: 1, left: 0, more: false });
    expect(await stack.depth(stack.deadLetters)).toBe(0);
    expect((await stack.store.listRuns(schedule.id)).items[0]?.status).toBe("RETRYING");

    const succeeded = async () =>
      (await stack.store.listRuns(schedule.id)).items[0]?.status === "SUCCEEDED";
    await stack.pump({ until: succeeded });
    const [run] = (await stack.store.listRuns(schedule.id)).items;
    expect(run).toMatchObject({
      runId: failed?.runId,
      status: "SUCCEEDED",
      result: { served: true },
    });
    expect(served).toEqual([{ order: 42 }]);
    expect((await stack.store.queryRuns({})).items).toEqual([]);
  });
});
