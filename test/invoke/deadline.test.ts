import { beforeEach, describe, expect, it } from "vitest";
import { defineJob } from "../../src/registry/define.js";
import { clearRegistry } from "../../src/registry/registry.js";
import { envelope } from "../support/events.js";
import { invokerHarness, runOf, seedRun } from "./fixtures.js";

beforeEach(() => clearRegistry());

/** A deadline schedule (deadline 09:00:30 UTC) whose run was claimed at 09:00:00. */
async function setup(deliveredAt: string, options: { manual?: boolean } = {}) {
  const h = invokerHarness(deliveredAt);
  const ran: unknown[] = [];
  defineJob({ name: "hello", handler: (payload) => void ran.push(payload) });
  const sent = envelope({ job: "hello", payload: { n: 1 } });
  await h.store.createSchedule({
    id: sent.scheduleId,
    job: "hello",
    expression: "deadline(2026-01-05T09:00:30)",
    timezone: "UTC",
    payload: sent.payload,
    state: "COMPLETED",
    firstRun: "immediate",
    catchUp: "latest",
    precise: false,
    runCount: 1,
    createdAt: Date.parse("2026-01-05T08:59:00Z"),
  });
  await seedRun(h.store, sent);
  if (options.manual) {
    await h.store.updateRun(
      sent.scheduleId,
      Date.parse(sent.scheduledAt),
      { manual: true },
      {
        expect: ["DISPATCHED"],
      },
    );
  }
  const result = await h.invoker.processEnvelope(sent, { attempt: 1 });
  return { ...h, sent, ran, result, run: await runOf(h.store, sent) };
}

describe("a deadline schedule's run on the invoke side", () => {
  it("runs when it is delivered before the deadline", async () => {
    const { ran, run, events } = await setup("2026-01-05T09:00:29Z");
    expect(ran).toEqual([{ n: 1 }]);
    expect(run?.status).toBe("SUCCEEDED");
    expect(events).toEqual([]);
  });

  it("is recorded EXPIRED and reported, never started, when delivered after the deadline", async () => {
    const { ran, run, events, sent } = await setup("2026-01-05T09:00:31Z");
    expect(ran).toEqual([]);
    expect(run).toMatchObject({ status: "EXPIRED", error: { name: "DeadlinePassedError" } });
    expect(events).toMatchObject([
      {
        type: "run.expired",
        runId: sent.runId,
        final: true,
        error: { name: "DeadlinePassedError" },
      },
    ]);
  });

  it("still runs a run-now asked for after the deadline", async () => {
    const { ran, run } = await setup("2026-01-05T10:00:00Z", { manual: true });
    expect(ran).toEqual([{ n: 1 }]);
    expect(run?.status).toBe("SUCCEEDED");
  });
});
