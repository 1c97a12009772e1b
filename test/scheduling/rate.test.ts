import { describe, expect, it, vi } from "vitest";
import { nextRun, parseSchedule, previousRun } from "../../src/scheduling/index.js";
import * as rate from "../../src/scheduling/rate.js";
import { runs } from "./support.js";

// Counts the rate computations previousRun makes (the real functions still answer).
vi.mock("../../src/scheduling/rate.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/scheduling/rate.js")>();
  return {
    ...real,
    nextRateRun: vi.fn(real.nextRateRun),
    previousRateRun: vi.fn(real.previousRateRun),
  };
});

describe("rate(...)", () => {
  it.each([
    [
      "rate(30 seconds)",
      ["2026-01-05T09:00:30.000Z", "2026-01-05T09:01:00.000Z", "2026-01-05T09:01:30.000Z"],
    ],
    [
      "rate(1 second)",
      ["2026-01-05T09:00:01.000Z", "2026-01-05T09:00:02.000Z", "2026-01-05T09:00:03.000Z"],
    ],
    [
      "rate(5 minutes)",
      ["2026-01-05T09:05:00.000Z", "2026-01-05T09:10:00.000Z", "2026-01-05T09:15:00.000Z"],
    ],
    [
      "rate(1 minute)",
      ["2026-01-05T09:01:00.000Z", "2026-01-05T09:02:00.000Z", "2026-01-05T09:03:00.000Z"],
    ],
    [
      "rate(1 hour)",
      ["2026-01-05T10:00:00.000Z", "2026-01-05T11:00:00.000Z", "2026-01-05T12:00:00.000Z"],
    ],
    [
      "rate(2 days)",
      ["2026-01-07T09:00:00.000Z", "2026-01-09T09:00:00.000Z", "2026-01-11T09:00:00.000Z"],
    ],
    [
      "rate(1 minutes)",
      ["2026-01-05T09:01:00.000Z", "2026-01-05T09:02:00.000Z", "2026-01-05T09:03:00.000Z"],
    ],
    [
      "rate(3 hour)",
      ["2026-01-05T12:00:00.000Z", "2026-01-05T15:00:00.000Z", "2026-01-05T18:00:00.000Z"],
    ],
  ])("%s is anchored at `after` when no start is given", (expression, expected) => {
    expect(runs(expression, { after: "2026-01-05T09:00:00Z", count: 3 })).toEqual(expected);
  });

  it("counts from the start, not from `after`, so the grid does not drift", () => {
    expect(
      runs("rate(5 minutes)", {
        after: "2026-01-05T09:07:30Z",
        start: "2026-01-05T09:01:00Z",
        count: 2,
      }),
    ).toEqual(["2026-01-05T09:11:00.000Z", "2026-01-05T09:16:00.000Z"]);
  });

  it("fires at the start itself when the start is still ahead", () => {
    expect(
      runs("rate(1 hour)", {
        after: "2026-01-05T09:00:00Z",
        start: "2026-01-05T09:30:00Z",
        count: 2,
      }),
    ).toEqual(["2026-01-05T09:30:00.000Z", "2026-01-05T10:30:00.000Z"]);
  });

  it("ignores wall clocks: rate(1 day) is 24 hours across a daylight-saving change", () => {
    expect(
      runs("rate(1 day)", {
        after: "2026-03-07T17:00:00Z",
        start: "2026-03-07T17:00:00Z",
        timezone: "America/New_York",
        count: 2,
      }),
    ).toEqual(["2026-03-08T17:00:00.000Z", "2026-03-09T17:00:00.000Z"]);
  });

  it("finds the latest of a second-by-second rate after 30 days of downtime without walking it", () => {
    const schedule = parseSchedule("rate(1 second)");
    const start = new Date("2026-01-05T00:00:00Z");
    vi.mocked(rate.nextRateRun).mockClear();
    vi.mocked(rate.previousRateRun).mockClear();
    const latest = previousRun(schedule, new Date("2026-02-04T00:00:00.500Z"), { start });
    // One closed-form step, not one per second of the 2,592,000 missed.
    expect(vi.mocked(rate.previousRateRun)).toHaveBeenCalledTimes(1);
    expect(vi.mocked(rate.nextRateRun)).not.toHaveBeenCalled();
    expect(latest?.toISOString()).toBe("2026-02-04T00:00:00.000Z");
    expect(nextRun(schedule, latest ?? start, { start })?.toISOString()).toBe(
      "2026-02-04T00:00:01.000Z",
    );
  });

  it("has no past before its start, or without a start", () => {
    const schedule = parseSchedule("rate(5 minutes)");
    const at = new Date("2026-01-05T09:00:00Z");
    expect(previousRun(schedule, at, { start: new Date("2026-01-05T09:00:01Z") })).toBeUndefined();
    expect(previousRun(schedule, at)).toBeUndefined();
  });
});

describe("an abbreviated rate unit", () => {
  it.each([
    ["rate(1h)", "rate(1 hour)"],
    ["rate(30s)", "rate(30 seconds)"],
    ["rate(5 min)", "rate(5 minutes)"],
    ["rate(2d)", "rate(2 days)"],
  ])("%s is refused with the spelling to write instead, %s", (expression, spelled) => {
    expect(() => parseSchedule(expression)).toThrow(`needs its unit spelled out: write ${spelled}`);
  });
});
