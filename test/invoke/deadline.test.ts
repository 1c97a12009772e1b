import { beforeEach, describe, expect, it } from "vitest";
import { defineJob } from "../../src/registry/define.js";
import { clearRegistry } from "../../src/registry/registry.js";
import { envelope } from "../support/events.js";
import { invokerHarness, runOf, seedRun, seedSchedule } from "./fixtures.js";

beforeEach(() => clearRegistry());

/**
 * The run of a deadline schedule (deadline 09:00:30 UTC) claimed at 09:00:00: its envelope
 * carries the deadline, and nothing of it is stored until the invoke side starts it.
 */
async function setup(deliveredAt: string, options: { manual?: boolean } = {}) {
  const h = invokerHarness(deliveredAt);
  const ran: unknown[] = [];
  defineJob({ name: "hello", handler: (payload) => void ran.push(payload) });
  const sent = envelope({
    job: "hello",
    payload: { n: 1 },
    deadline: "2026-01-05T09:00:30.000Z",
    ...(options.manual ? { manual: true as const } : {}),
  });
  // Run-now writes its run (with the payload) before it sends; the tick writes nothing.
  if (options.manual) await seedRun(h.store, sent);
  else await seedSchedule(h.store, sent);
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
    const { ran, run, events, sent, result } = await setup("2026-01-05T09:00:31Z");
    expect(ran).toEqual([]);
    expect(result.outcome).toBe("skipped");
    expect(run).toMatchObject({ status: "EXPIRED", error: { name: "DeadlinePassedError" } });
    expect(run?.startedAt).toBeUndefined();
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
    expect(run).toMatchObject({ status: "SUCCEEDED", manual: true });
  });
});
