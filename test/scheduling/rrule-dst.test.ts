import { describe, expect, it } from "vitest";
import { RRULE_DST_CASES } from "./rrule-dst-cases.js";
import { runs } from "./support.js";

describe("rrule across daylight-saving changes (RFC 5545 §3.3.5)", () => {
  it.each(RRULE_DST_CASES)("$name", ({ text, after, expected }) => {
    expect(runs(text, { after, count: expected.length })).toEqual(expected);
  });

  it("reads a floating DTSTART in the timezone option, and TZID wins over the option", () => {
    const floating = "DTSTART:20260307T023000\nRRULE:FREQ=DAILY";
    expect(
      runs(floating, { after: "2026-03-07T00:00:00Z", count: 3, timezone: "America/New_York" }),
    ).toEqual(RRULE_DST_CASES[0]?.expected);
    const zoned = "DTSTART;TZID=America/New_York:20260307T023000\nRRULE:FREQ=DAILY";
    expect(
      runs(zoned, { after: "2026-03-07T00:00:00Z", count: 3, timezone: "Asia/Tokyo" }),
    ).toEqual(RRULE_DST_CASES[0]?.expected);
  });
});
