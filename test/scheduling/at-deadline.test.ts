import { describe, expect, it } from "vitest";
import { isOneShot, nextRun, parseSchedule, previousRun } from "../../src/scheduling/index.js";
import { runs } from "./support.js";

describe("at(...)", () => {
  it.each([
    ["at(2026-12-01T10:00:00)", "UTC", "2026-12-01T10:00:00.000Z"],
    ["at(2026-12-01T10:00:00)", "Europe/Berlin", "2026-12-01T09:00:00.000Z"],
    ["at(2026-07-01T10:00:00)", "Europe/Berlin", "2026-07-01T08:00:00.000Z"],
    // 02:30 does not exist on 8 March 2026 in New York: read with EST, it is 03:30 EDT.
    ["at(2026-03-08T02:30:00)", "America/New_York", "2026-03-08T07:30:00.000Z"],
    // 01:30 happens twice on 1 November 2026 in New York: the first (EDT) one.
    ["at(2026-11-01T01:30:00)", "America/New_York", "2026-11-01T05:30:00.000Z"],
    ["at(2026-12-01T10:00:00Z)", "Asia/Tokyo", "2026-12-01T10:00:00.000Z"],
    ["at(2026-12-01T10:00:00+05:30)", "UTC", "2026-12-01T04:30:00.000Z"],
    ["at(2028-02-29T23:59:59)", "UTC", "2028-02-29T23:59:59.000Z"],
  ])("%s in %s fires once at %s", (expression, timezone, expected) => {
    expect(runs(expression, { after: "2026-01-01T00:00:00Z", timezone, count: 3 })).toEqual([
      expected,
    ]);
  });

  it("has ended once its time has passed", () => {
    expect(runs("at(2026-12-01T10:00:00)", { after: "2026-12-01T10:00:00Z" })).toEqual([]);
  });

  it("is a one-shot whose previous run is its time, once reached", () => {
    const schedule = parseSchedule("at(2026-12-01T10:00:00)");
    expect(isOneShot(schedule)).toBe(true);
    expect(previousRun(schedule, new Date("2026-12-01T09:59:59Z"))).toBeUndefined();
    expect(previousRun(schedule, new Date("2027-06-01T00:00:00Z"))?.toISOString()).toBe(
      "2026-12-01T10:00:00.000Z",
    );
    const notBefore = new Date("2026-12-01T10:00:00Z");
    expect(previousRun(schedule, new Date("2027-06-01T00:00:00Z"), { notBefore })).toBeUndefined();
  });
});

describe("deadline(...)", () => {
  const schedule = parseSchedule("deadline(2026-12-01T10:00:00)", { timezone: "Europe/Berlin" });

  it("fires at its start when one is given", () => {
    const start = new Date("2026-11-01T08:00:00Z");
    expect(nextRun(schedule, new Date("2026-11-01T07:00:00Z"), { start })?.toISOString()).toBe(
      "2026-11-01T08:00:00.000Z",
    );
    expect(nextRun(schedule, start, { start })).toBeUndefined();
  });

  it("fires at the next whole second after `after` without a start, once", () => {
    expect(
      runs("deadline(2026-12-01T10:00:00)", { after: "2026-11-01T07:00:00.250Z", count: 3 }),
    ).toEqual(["2026-11-01T07:00:01.000Z"]);
  });

  it("never fires after the deadline (10:00 Berlin is 09:00 UTC)", () => {
    expect(nextRun(schedule, new Date("2026-12-01T08:59:59Z"))?.toISOString()).toBe(
      "2026-12-01T09:00:00.000Z",
    );
    expect(nextRun(schedule, new Date("2026-12-01T09:00:00Z"))).toBeUndefined();
    const late = new Date("2026-12-02T00:00:00Z");
    expect(nextRun(schedule, new Date("2026-11-30T00:00:00Z"), { start: late })).toBeUndefined();
  });

  it("has its start as its previous run, when the start is before the deadline", () => {
    const start = new Date("2026-11-01T08:00:00Z");
    expect(previousRun(schedule, new Date("2026-11-02T00:00:00Z"), { start })?.toISOString()).toBe(
      "2026-11-01T08:00:00.000Z",
    );
    expect(previousRun(schedule, new Date("2026-11-02T00:00:00Z"))).toBeUndefined();
    expect(isOneShot(schedule)).toBe(true);
  });
});
