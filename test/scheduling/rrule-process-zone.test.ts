/**
 * The rrule engine must not depend on the process time zone. This file switches the process to
 * America/New_York *before* loading the engine (other files run in their own module graph) and
 * repeats the daylight-saving table.
 */
import { afterAll, describe, expect, it } from "vitest";
import { RRULE_DST_CASES } from "./rrule-dst-cases.js";

const previous = process.env.TZ;
process.env.TZ = "America/New_York";
const { runs } = await import("./support.js");

afterAll(() => {
  if (previous === undefined) delete process.env.TZ;
  else process.env.TZ = previous;
});

describe("rrule with the process time zone set to America/New_York", () => {
  it("really runs in America/New_York (local Date methods see UTC-5 in January)", () => {
    expect(new Date("2026-01-15T12:00:00Z").getTimezoneOffset()).toBe(300);
    expect(new Date("2026-01-15T12:00:00Z").getHours()).toBe(7);
  });

  it.each(RRULE_DST_CASES)("$name", ({ text, after, expected }) => {
    expect(runs(text, { after, count: expected.length })).toEqual(expected);
  });
});
