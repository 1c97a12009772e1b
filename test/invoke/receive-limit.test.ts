/**
 * The queue's maxReceiveCount bounds the retries: on the receive that reaches it, the queue
 * dead-letters the message next, so a failed attempt there is final whatever the job's policy.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { maxReceiveCount, receiveLimitWarning } from "../../src/cli/commands/jobs.js";
import { ConfigurationError } from "../../src/errors.js";
import { createInvoker } from "../../src/invoke/invoker.js";
import { defineJob } from "../../src/registry/define.js";
import { clearRegistry } from "../../src/registry/registry.js";
import { envelope, sqsEvent, sqsRecord } from "../support/events.js";
import { harness, invokerHarness, runOf, seedSchedule } from "./fixtures.js";

const START = "2026-01-05T09:00:02.000Z";

beforeEach(() => clearRegistry());

function failingJob(attempts: number) {
  defineJob({
    name: "hello",
    retry: { attempts, backoffSeconds: 1 },
    handler: () => {
      throw new Error("still broken");
    },
  });
}

describe("a job with more retry attempts than the queue's maxReceiveCount", () => {
  it("fails for good, with a final event, on the receive that reaches the limit", async () => {
    const { store, invoker, events } = invokerHarness(START, { maxReceiveCount: 3 });
    failingJob(10);
    const sent = envelope();
    await seedSchedule(store, sent);

    const outcomes: string[] = [];
    for (const receiveCount of [1, 2, 3]) {
      const result = await invoker.processSqsEvent(
        sqsEvent(sqsRecord({ envelope: sent, receiveCount })),
      );
      outcomes.push(result[0]?.status === "rejected" ? "rejected" : "fulfilled");
    }

    expect(outcomes).toEqual(["rejected", "rejected", "rejected"]);
    expect(events.map((event) => [event.attempt, event.final])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(await runOf(store, sent)).toMatchObject({ status: "FAILED", attempt: 3 });
  });

  it("keeps retrying below the limit", async () => {
    const { store, invoker } = invokerHarness(START, { maxReceiveCount: 10 });
    failingJob(5);
    const sent = envelope();
    await seedSchedule(store, sent);
    const result = await invoker.processEnvelope(sent, { attempt: 3, receiveCount: 3 });
    expect(result.outcome).toBe("failed-retry");
  });

  it("refuses a limit that is not a whole number of receives", () => {
    expect(() => createInvoker({ store: harness().store, maxReceiveCount: 0 })).toThrow(
      ConfigurationError,
    );
  });
});

describe("the CLI's check of a job against the queue's receive limit (add, jobs)", () => {
  it("warns about a job that allows more attempts than the queue's receives", () => {
    const job = defineJob({ name: "flaky", retry: { attempts: 12 }, handler: () => undefined });
    expect(receiveLimitWarning(job, 10)).toContain(
      'job "flaky" allows 12 attempts but the invocations queue dead-letters a message after 10 receives',
    );
  });

  it("says nothing about a job whose attempts fit", () => {
    const job = defineJob({ name: "steady", retry: { attempts: 10 }, handler: () => undefined });
    expect(receiveLimitWarning(job, 10)).toBeUndefined();
  });

  it.each([
    [{ LAMBDA_SCHEDULER_MAX_RECEIVE_COUNT: "25" }, 25],
    [{}, 10],
    [{ LAMBDA_SCHEDULER_MAX_RECEIVE_COUNT: "zero" }, 10],
  ])("reads the limit from %j as %i (else the template's default)", (env, limit) => {
    expect(maxReceiveCount(env)).toBe(limit);
  });
});
