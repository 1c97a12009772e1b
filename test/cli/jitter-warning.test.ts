import { describe, expect, it } from "vitest";
import { jitterWarning } from "../../src/cli/jitter-warning.js";
import type { ScheduleRecord } from "../../src/store/types.js";

const NOW = new Date("2026-01-05T09:00:00Z");

function record(expression: string, jitterMs: number | undefined): ScheduleRecord {
  return {
    expression,
    timezone: "UTC",
    ...(jitterMs === undefined ? {} : { jitterMs }),
  } as ScheduleRecord;
}

describe("the jitter warning", () => {
  it.each([
    ["rate(5 minutes)", 300_000, "5m"],
    ["rate(5 minutes)", 600_000, "5m"],
    ["0 * * * *", 3_600_000, "1h"],
  ])(
    "warns about %s with a jitter of %i ms, at or above its interval of %s",
    (expression, jitter, interval) => {
      expect(jitterWarning(record(expression, jitter), NOW)).toContain(
        `is not shorter than the interval between runs (${interval})`,
      );
    },
  );

  it.each([
    ["rate(5 minutes)", 299_999],
    ["rate(5 minutes)", undefined],
    ["at(2026-12-01T10:00:00)", 86_400_000],
  ])("stays quiet for %s with a jitter of %s ms", (expression, jitter) => {
    expect(jitterWarning(record(expression, jitter), NOW)).toBeUndefined();
  });

  it("judges a cron by the gap after the next run: weekdays at 9 seen early on a Friday are 3 days apart", () => {
    const friday = new Date("2026-01-09T08:00:00Z");
    expect(jitterWarning(record("0 9 * * 1-5", 2 * 86_400_000), friday)).toBeUndefined();
    expect(jitterWarning(record("0 9 * * 1-5", 2 * 86_400_000), NOW)).toContain("(1d)");
  });
});
