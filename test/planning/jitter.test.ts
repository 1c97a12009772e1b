import { describe, expect, it } from "vitest";
import { jitterFor } from "../../src/planning/index.js";
import { runIdOf } from "../../src/store/types.js";
import { planAt, scheduleRecord } from "./factories.js";

describe("jitter", () => {
  const runIds = Array.from({ length: 500 }, (_, i) =>
    runIdOf("s1", Date.UTC(2026, 0, 1) + i * 60_000),
  );

  it("is the same every time for one run id", () => {
    for (const runId of runIds) expect(jitterFor(runId, 30_000)).toBe(jitterFor(runId, 30_000));
  });

  it("stays within 0..jitterMs", () => {
    for (const runId of runIds) {
      const value = jitterFor(runId, 30_000);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(30_000);
      expect(Number.isInteger(value)).toBe(true);
    }
  });

  it("spreads occurrences over the window rather than bunching them", () => {
    const values = runIds.map((runId) => jitterFor(runId, 30_000));
    const buckets = new Set(values.map((value) => Math.floor(value / 3_000)));
    expect(buckets.size).toBe(10);
    expect(new Set(values).size).toBeGreaterThan(450);
  });

  it("is zero without a jitter setting", () => {
    expect(jitterFor(runIds[0] ?? "", undefined)).toBe(0);
    expect(jitterFor(runIds[0] ?? "", 0)).toBe(0);
  });

  it("delays the next due time, not the scheduled time", () => {
    const record = scheduleRecord({
      nextRunAt: Date.parse("2026-01-05T00:00:00Z"),
      jitterMs: 20_000,
    });
    const plan = planAt(record, "2026-01-05T00:00:30Z");
    const next = plan?.changes.nextRunAt ?? Number.NaN;
    expect(new Date(next).toISOString()).toBe("2026-01-05T00:01:00.000Z");
    expect(plan?.changes.dueAt).toBe(next + jitterFor(runIdOf("s1", next), 20_000));
    expect((plan?.changes.dueAt ?? 0) - next).toBeLessThanOrEqual(20_000);
  });
});
