import { beforeEach, describe, expect, it } from "vitest";
import { defineJob } from "../../src/registry/define.js";
import { clearRegistry } from "../../src/registry/registry.js";
import type { ScheduleStore } from "../../src/store/types.js";
import { envelope } from "../support/events.js";
import { invokerHarness, runOf, seedSchedule } from "./fixtures.js";

const START = "2026-01-05T09:00:02.000Z";

beforeEach(() => clearRegistry());

/** Counts the store's writes by method, around a real store. */
function countingWrites(store: ScheduleStore): { store: ScheduleStore; writes: string[] } {
  const writes: string[] = [];
  const counted: ScheduleStore = {
    ...store,
    startRun(...args) {
      writes.push("startRun");
      return store.startRun(...args);
    },
    updateRun(...args) {
      writes.push("updateRun");
      return store.updateRun(...args);
    },
    createRun(...args) {
      writes.push("createRun");
      return store.createRun(...args);
    },
  };
  return { store: counted, writes };
}

describe('a schedule whose history is "failures"', () => {
  it("writes only the start of a run that succeeds, which leaves the listing once the run must be over", async () => {
    const base = invokerHarness(START);
    const { store, writes } = countingWrites(base.store);
    const { invoker } = invokerHarness(START, { store });
    defineJob({ name: "hello", timeoutSeconds: 60, handler: () => ({ ok: true }) });
    const sent = envelope({ history: "failures" });
    await seedSchedule(base.store, sent);
    const result = await invoker.processEnvelope(sent, { attempt: 1 });
    expect(result.outcome).toBe("succeeded");
    expect(writes).toEqual(["startRun"]);
    const started = await runOf(base.store, sent);
    expect(started).toMatchObject({ status: "RUNNING" });
    // Expiry: the start plus the job's timeout and the grace, not the 30-day retention.
    expect((started?.expiresAt ?? 0) * 1_000 - Date.parse(START)).toBeLessThan(3_600_000);
    base.clock.advance(3_600_000);
    expect((await base.store.listRuns(sent.scheduleId)).items).toEqual([]);
  });

  it("records a run that fails, with the usual retention", async () => {
    const { store, invoker } = invokerHarness(START);
    defineJob({
      name: "hello",
      retry: { attempts: 1 },
      handler: () => {
        throw new Error("boom");
      },
    });
    const sent = envelope({ history: "failures" });
    await seedSchedule(store, sent);
    expect((await invoker.processEnvelope(sent, { attempt: 1 })).outcome).toBe("failed-final");
    const run = await runOf(store, sent);
    expect(run).toMatchObject({
      status: "FAILED",
      error: { message: expect.stringContaining("boom") },
    });
    expect((run?.expiresAt ?? 0) * 1_000 - Date.parse(START)).toBeGreaterThan(86_400_000);
  });

  it("keeps every record when the job's overlap policy is skip, which reads the previous run", async () => {
    const { store, invoker } = invokerHarness(START);
    defineJob({ name: "hello", overlap: "skip", handler: () => undefined });
    const sent = envelope({ history: "failures" });
    await seedSchedule(store, sent);
    await invoker.processEnvelope(sent, { attempt: 1 });
    expect((await runOf(store, sent))?.status).toBe("SUCCEEDED");
  });
});
