/**
 * Catch-up after a long outage costs a few schedule computations, not one per missed
 * occurrence: the tick must stay O(due) whatever the gap.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as scheduling from "../../src/scheduling/index.js";
import { ms, planAt, scheduleRecord } from "./factories.js";

vi.mock("../../src/scheduling/index.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/scheduling/index.js")>();
  return { ...real, nextRun: vi.fn(real.nextRun), previousRun: vi.fn(real.previousRun) };
});

function computations(): number {
  return (
    vi.mocked(scheduling.nextRun).mock.calls.length +
    vi.mocked(scheduling.previousRun).mock.calls.length
  );
}

describe("catch-up work after a 3-day outage of rate(1 minute) (4,320 missed occurrences)", () => {
  beforeEach(() => {
    vi.mocked(scheduling.nextRun).mockClear();
    vi.mocked(scheduling.previousRun).mockClear();
  });

  const cases = [
    { catchUp: "latest" as const, maxLatenessMs: undefined, most: 4 },
    { catchUp: "none" as const, maxLatenessMs: undefined, most: 4 },
    { catchUp: "all" as const, maxLatenessMs: undefined, most: 25 },
    { catchUp: "all" as const, maxLatenessMs: 300_000, most: 12 },
  ];
  it.each(cases)(
    "is bounded for catch-up $catchUp (maxLateness $maxLatenessMs)",
    ({ catchUp, maxLatenessMs, most }) => {
      const record = scheduleRecord({
        catchUp,
        nextRunAt: ms("2026-01-05T00:01:00Z"),
        ...(maxLatenessMs === undefined ? {} : { maxLatenessMs }),
      });
      const plan = planAt(record, "2026-01-08T00:00:30Z", { maxRunsPerClaim: 20 });
      expect(plan).toBeDefined();
      expect(computations()).toBeLessThanOrEqual(most);
    },
  );
});
