import { describe, expect, it } from "vitest";
import { InvalidScheduleError } from "../../src/errors.js";
import {
  INSTANT_RANGE,
  nextRun,
  nextRuns,
  parseSchedule,
  previousRun,
} from "../../src/scheduling/index.js";

const DATE_LIMIT = 8.64e15;
const SECONDLY = "RRULE:FREQ=SECONDLY";

/** The error `call` throws, or undefined. */
function refusal(call: () => unknown): unknown {
  try {
    call();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe("instants outside the supported range", () => {
  const schedule = parseSchedule(SECONDLY);
  const ok = new Date("2026-01-05T00:00:00Z");
  it.each([
    [
      "nextRuns after far in the future",
      "after",
      () => nextRuns(SECONDLY, { after: new Date(DATE_LIMIT - 1_000), count: 5 }),
    ],
    [
      "nextRuns after at the Date limit",
      "after",
      () => nextRuns("0 12 * * *", { after: new Date(DATE_LIMIT), count: 1 }),
    ],
    [
      "nextRuns start at the earliest Date",
      "start",
      () => nextRuns(SECONDLY, { after: ok, start: new Date(-DATE_LIMIT), count: 5 }),
    ],
    [
      "nextRuns start past year 9999",
      "start",
      () =>
        nextRuns("rate(5 minutes)", {
          after: ok,
          start: new Date(INSTANT_RANGE.max + 1),
          count: 1,
        }),
    ],
    ["nextRun after before 1970", "after", () => nextRun(schedule, new Date(-2))],
    [
      "nextRun start near the Date limit",
      "start",
      () => nextRun(schedule, ok, { start: new Date(DATE_LIMIT - 1) }),
    ],
    [
      "previousRun at the Date limit",
      "atOrBefore",
      () => previousRun(schedule, new Date(DATE_LIMIT), { start: ok }),
    ],
    [
      "previousRun start at the earliest Date",
      "start",
      () => previousRun(schedule, ok, { start: new Date(-DATE_LIMIT) }),
    ],
    [
      "previousRun notBefore past year 9999",
      "notBefore",
      () => previousRun(schedule, ok, { start: ok, notBefore: new Date(DATE_LIMIT) }),
    ],
  ])("refuses %s at once, naming %s and the range", (_case, field, call) => {
    const error = refusal(call);
    expect(error).toBeInstanceOf(InvalidScheduleError);
    expect((error as InvalidScheduleError).field).toBe(field);
    expect((error as Error).message).toMatch(
      /outside the supported range 1970-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z/,
    );
  });

  it("lists nothing past the end of year 9999", () => {
    const last = new Date(INSTANT_RANGE.max - 1_500);
    expect(nextRuns(SECONDLY, { after: last, start: last, count: 5 })).toHaveLength(1);
    expect(nextRun(schedule, new Date(INSTANT_RANGE.max), { start: ok })).toBeUndefined();
  });

  it("finds the last run of year 9999 from its end", () => {
    expect(previousRun(schedule, new Date(INSTANT_RANGE.max), { start: ok })?.toISOString()).toBe(
      "9999-12-31T23:59:59.000Z",
    );
  });

  it("refuses an RRULE COUNT a search would have to walk for too long", () => {
    const error = refusal(() =>
      parseSchedule("DTSTART:19700101T000000Z\nRRULE:FREQ=SECONDLY;COUNT=100000000"),
    );
    expect(error).toBeInstanceOf(InvalidScheduleError);
    expect((error as InvalidScheduleError).field).toBe("RRULE COUNT");
    expect((error as Error).message).toMatch(/COUNT 100000000 is over 100000; use UNTIL/);
  });
});
