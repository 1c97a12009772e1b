/**
 * Whatever a caller passes, `createSchedule` and `updateSchedule` either store a schedule or
 * refuse with one of our errors, write nothing when they refuse, and do a bounded amount of
 * work: at most a few occurrence searches, none at all for an instant out of range.
 */
import fc from "fast-check";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { manualClock } from "../../src/clock.js";
import { createSchedule, updateSchedule } from "../../src/control/index.js";
import { InvalidScheduleError, SchedulerError } from "../../src/errors.js";
import { countingStore } from "./counting-store.js";
import { testJobs } from "./jobs.js";

/** Occurrence searches (`nextRun`, `previousRun`) made since the last reset. */
const searches = vi.hoisted(() => ({ count: 0 }));

vi.mock("../../src/scheduling/next.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/scheduling/next.js")>();
  return {
    ...actual,
    nextRun: (...args: Parameters<typeof actual.nextRun>) => {
      searches.count++;
      return actual.nextRun(...args);
    },
  };
});
vi.mock("../../src/scheduling/previous.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/scheduling/previous.js")>();
  return {
    ...actual,
    previousRun: (...args: Parameters<typeof actual.previousRun>) => {
      searches.count++;
      return actual.previousRun(...args);
    },
  };
});

const NOW = "2026-01-05T10:00:00.250Z";
const DATE_LIMIT = 8.64e15;
/** The most occurrence searches one create or update may make. */
const MAX_SEARCHES = 2;

const FIELDS = [
  "id",
  "job",
  "expression",
  "timezone",
  "payload",
  "startAt",
  "endAt",
  "maxRuns",
  "firstRun",
  "catchUp",
  "maxLatenessMs",
  "overlap",
  "history",
  "jitterMs",
  "precise",
] as const;

/** Instants at and around the ends of what `Date` and the supported range hold. */
const edgeInstant = fc.oneof(
  fc.constantFrom(
    DATE_LIMIT,
    -DATE_LIMIT,
    DATE_LIMIT - 1,
    -DATE_LIMIT + 1,
    253_402_300_800_000,
    253_402_300_799_999,
    -1,
    0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    0.5,
  ),
  fc.integer({ min: -DATE_LIMIT, max: DATE_LIMIT }),
  fc.double(),
);
const edgeInstantInput = fc.oneof(
  edgeInstant,
  edgeInstant.map((ms) => new Date(ms)),
  edgeInstant.filter(Number.isFinite).map((ms) => {
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
  }),
  fc.constantFrom("+275760-09-13T00:00:00Z", "-271821-04-20T00:00:00Z", "2026-01-05", "now", ""),
);

/** A targeted bad (or odd) value for each field, besides anything at all. */
const targeted: Record<(typeof FIELDS)[number], fc.Arbitrary<unknown>> = {
  id: fc.oneof(fc.string(), fc.constantFrom("a@b", "x".repeat(129), "ok-id")),
  job: fc.oneof(
    fc.string(),
    fc.constantFrom("has space", "a@b", "héllo", "x".repeat(129), "anything", "hello", "-x"),
  ),
  expression: fc.oneof(
    fc.string(),
    fc.constantFrom(
      "rate(0 minutes)",
      "at(9999-12-31T23:59:59)",
      "at(0001-01-01T00:00:00)",
      "deadline(9999-12-31T23:59:59)",
      "DTSTART:00010101T000000Z\nRRULE:FREQ=SECONDLY",
      "DTSTART:99991231T235959Z\nRRULE:FREQ=SECONDLY;COUNT=1000000",
      "DTSTART:19700101T000000Z\nRRULE:FREQ=SECONDLY;COUNT=100000",
      "RRULE:FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30",
      "0 0 30 2 *",
    ),
  ),
  timezone: fc.oneof(fc.string(), fc.constantFrom("Europe/Berlin", "Mars/Olympus", "UTC+1")),
  payload: fc.oneof(fc.jsonValue(), fc.constant({ name: "Ada" })),
  startAt: edgeInstantInput,
  endAt: edgeInstantInput,
  maxRuns: edgeInstant,
  firstRun: fc.constantFrom("immediate", "scheduled", "later"),
  catchUp: fc.constantFrom("latest", "all", "none", "some"),
  maxLatenessMs: edgeInstant,
  overlap: fc.constantFrom("allow", "skip", "queue"),
  history: fc.constantFrom("all", "failures", "none"),
  jitterMs: edgeInstant,
  precise: fc.constantFrom(true, false, "true", 0),
};

const anyValue = fc.anything({ withDate: true, withMap: true, withSet: true });
const fieldValue = (field: (typeof FIELDS)[number]) =>
  fc.oneof(anyValue, targeted[field], fc.constant(null));

/** A valid schedule with some fields replaced by arbitrary or targeted values. */
const inputs = fc
  .tuple(
    fc.record(
      Object.fromEntries(FIELDS.map((field) => [field, fieldValue(field)])) as Record<
        (typeof FIELDS)[number],
        fc.Arbitrary<unknown>
      >,
      { requiredKeys: [] },
    ),
    fc.boolean(),
  )
  .map(([fields, withJobs]) => ({
    input: { job: "anything", expression: "rate(5 minutes)", ...fields },
    withJobs,
  }));

let store: ReturnType<typeof countingStore>;

beforeEach(() => {
  store = countingStore();
  searches.count = 0;
});

/** Runs `call`, returning the error it threw, if any. */
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe("createSchedule with arbitrary input", () => {
  it("refuses only with a SchedulerError, writes nothing when it refuses, and searches a bounded number of times", async () => {
    const tally = { calls: 0, refused: 0, created: 0, foreign: 0 };
    await fc.assert(
      fc.asyncProperty(inputs, async ({ input, withJobs }) => {
        const { store: s, counts } = countingStore();
        const deps = { store: s, clock: manualClock(NOW), ...(withJobs ? { jobs: testJobs } : {}) };
        searches.count = 0;
        const error = await outcome(() => createSchedule(input as never, deps));
        tally.calls++;
        if (error === undefined) tally.created++;
        else if (error instanceof SchedulerError) tally.refused++;
        else tally.foreign++;
        expect(error === undefined || error instanceof SchedulerError, String(error)).toBe(true);
        if (error !== undefined) expect(counts.writes).toBe(0);
        expect(counts.writes).toBeLessThanOrEqual(1);
        expect(searches.count).toBeLessThanOrEqual(MAX_SEARCHES);
      }),
      { numRuns: 2_000 },
    );
    expect(tally.foreign).toBe(0);
    expect(tally.calls).toBe(2_000);
  });

  it("names the field it refuses when one field alone is wrong", async () => {
    const field = fc.constantFrom(...FIELDS.filter((f) => f !== "payload" && f !== "history"));
    await fc.assert(
      fc.asyncProperty(
        field.chain((name) => fc.tuple(fc.constant(name), fieldValue(name))),
        async ([name, value]) => {
          const { store: s, counts } = countingStore();
          const input = { job: "anything", expression: "rate(5 minutes)", [name]: value };
          const error = await outcome(() =>
            createSchedule(input as never, { store: s, clock: manualClock(NOW) }),
          );
          if (error === undefined) return;
          expect(error).toBeInstanceOf(SchedulerError);
          // An expression's refusal names the part of it that is wrong ("rate value", …).
          if (error instanceof InvalidScheduleError && error.expression === undefined) {
            expect(error.field).toBe(name);
          }
          expect(counts.writes).toBe(0);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});

describe("updateSchedule with arbitrary changes", () => {
  it("refuses only with a SchedulerError and writes nothing when it refuses", async () => {
    await fc.assert(
      fc.asyncProperty(inputs, async ({ input: changes, withJobs }) => {
        const { store: s, counts } = countingStore();
        const deps = { store: s, clock: manualClock(NOW), ...(withJobs ? { jobs: testJobs } : {}) };
        await createSchedule(
          { id: "target", job: "anything", expression: "rate(5 minutes)" },
          deps,
        );
        const before = counts.writes;
        searches.count = 0;
        const { id: _id, ...update } = changes as Record<string, unknown>;
        const error = await outcome(() => updateSchedule("target", update as never, deps));
        expect(error === undefined || error instanceof SchedulerError, String(error)).toBe(true);
        if (error !== undefined) expect(counts.writes).toBe(before);
        expect(searches.count).toBeLessThanOrEqual(MAX_SEARCHES);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe("instants out of range", () => {
  it.each([
    ["startAt", 8.64e15],
    ["startAt", -8.64e15],
    ["endAt", 8.64e15 - 1],
    ["startAt", "+275760-09-13T00:00:00Z"],
    ["endAt", new Date(253_402_300_800_000)],
    ["startAt", -1],
  ])("refuses %s %s before any search, naming the range", async (field, value) => {
    const error = await outcome(() =>
      createSchedule(
        { job: "anything", expression: "rate(5 minutes)", [field]: value },
        {
          store: store.store,
          clock: manualClock(NOW),
        },
      ),
    );
    expect(error).toBeInstanceOf(InvalidScheduleError);
    expect((error as InvalidScheduleError).field).toBe(field);
    expect((error as Error).message).toMatch(/outside the supported range 1970-01-01.*9999-12-31/);
    expect(searches.count).toBe(0);
    expect(store.counts.writes).toBe(0);
  });
});
