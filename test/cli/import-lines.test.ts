/**
 * The import core, driven without a process: every line is checked before anything is
 * written, and any refused line leaves the store as it was.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyImport, checkImport } from "../../src/cli/import-lines.js";
import { manualClock } from "../../src/clock.js";
import { SchedulerError } from "../../src/errors.js";
import { countingStore } from "../control/counting-store.js";
import { testJobs } from "../control/jobs.js";

const NOW = "2026-01-05T10:00:00.250Z";
const GOOD = '{"id":"good","job":"anything","expression":"rate(5 minutes)"}';

function setup() {
  const counting = countingStore();
  return { ...counting, deps: { store: counting.store, clock: manualClock(NOW) } };
}

describe("checking an import", () => {
  it.each([
    ["a null startAt", '{"job":"anything","expression":"rate(1 hour)","startAt":null}', "startAt"],
    [
      "a startAt that is an object",
      '{"job":"anything","expression":"rate(1 hour)","startAt":{}}',
      "startAt",
    ],
    [
      "an endAt past year 9999",
      '{"job":"anything","expression":"rate(1 hour)","endAt":"+275760-09-13T00:00:00Z"}',
      "endAt",
    ],
    ["a job name with a space", '{"job":"has space","expression":"rate(1 hour)"}', "job"],
    ["a job name with @", '{"job":"a@b","expression":"rate(1 hour)"}', "job"],
    ["a job name that is not ASCII", '{"job":"héllo","expression":"rate(1 hour)"}', "job"],
    [
      "a job name over 128 characters",
      `{"job":"${"x".repeat(129)}","expression":"rate(1 hour)"}`,
      "job",
    ],
    [
      "a maxRuns of true",
      '{"job":"anything","expression":"rate(1 hour)","maxRuns":true}',
      "maxRuns",
    ],
    [
      "a precise of null",
      '{"job":"anything","expression":"rate(1 hour)","precise":null}',
      "precise",
    ],
    ["an unknown field", '{"job":"anything","expression":"rate(1 hour)","every":5}', "every"],
  ])("refuses %s with its line number and field, and writes nothing", async (_case, bad, field) => {
    const { deps, counts } = setup();
    const check = await checkImport([GOOD, bad, GOOD], deps);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.refused.map(({ line, field }) => ({ line, field }))).toEqual([{ line: 2, field }]);
    expect(check.refused[0]?.error).toBeInstanceOf(SchedulerError);
    expect(counts.writes).toBe(0);
  });

  it("reports every bad line, not only the first", async () => {
    const { deps, counts } = setup();
    const check = await checkImport(
      [
        '{"job":"anything","expression":"rate(1 hour)","startAt":null}',
        GOOD,
        "not json",
        '{"job":"has space","expression":"rate(1 hour)"}',
      ],
      deps,
    );
    expect(check.ok ? [] : check.refused.map((r) => [r.line, r.field])).toEqual([
      [1, "startAt"],
      [3, undefined],
      [4, "job"],
    ]);
    expect(counts.writes).toBe(0);
  });

  it("refuses an id a later line gives to a different schedule", async () => {
    const { deps } = setup();
    const other = '{"id":"good","job":"anything","expression":"rate(6 minutes)"}';
    const check = await checkImport([GOOD, GOOD, other], deps);
    expect(check.ok ? [] : check.refused.map((r) => [r.line, r.field])).toEqual([[3, "id"]]);
  });

  it("applies every line once all of them pass", async () => {
    const { deps, store } = setup();
    const paused = '{"id":"later","job":"anything","expression":"0 3 * * *","state":"PAUSED"}';
    const check = await checkImport([GOOD, "", "# note", paused, GOOD], deps);
    if (!check.ok) throw new Error("expected every line to pass");
    expect(await applyImport(check.lines, deps)).toEqual({
      added: ["good", "later"],
      unchanged: ["good"],
    });
    expect((await store.getSchedule("later"))?.state).toBe("PAUSED");
  });
});

/** An import line: a JSON object of known and odd fields, or any text at all. */
const lines = fc.oneof(
  fc.string(),
  fc.json(),
  fc
    .record(
      {
        id: fc.oneof(fc.string(), fc.constantFrom("a", "b", "a@b")),
        job: fc.oneof(fc.string(), fc.constantFrom("anything", "hello", "has space")),
        expression: fc.oneof(fc.string(), fc.constantFrom("rate(5 minutes)", "0 3 * * *")),
        timezone: fc.anything(),
        payload: fc.jsonValue(),
        startAt: fc.oneof(fc.anything(), fc.constantFrom(8.64e15, "2026-02-01T00:00:00Z")),
        endAt: fc.oneof(fc.anything(), fc.constantFrom(-8.64e15, "2027-02-01T00:00:00Z")),
        maxRuns: fc.anything(),
        firstRun: fc.anything(),
        catchUp: fc.anything(),
        maxLatenessMs: fc.anything(),
        overlap: fc.anything(),
        jitterMs: fc.anything(),
        precise: fc.anything(),
        state: fc.oneof(fc.anything(), fc.constantFrom("ENABLED", "PAUSED", "COMPLETED")),
      },
      { requiredKeys: [] },
    )
    .map((fields) => JSON.stringify(fields) ?? "null"),
);

describe("import lines, arbitrary", () => {
  it("are all applied or none: a refusal is ours, names its line, and writes nothing", async () => {
    const tally = { files: 0, refusedFiles: 0, appliedFiles: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(lines, { maxLength: 8 }), fc.boolean(), async (file, withJobs) => {
        const { deps: base, counts } = setup();
        const deps = withJobs ? { ...base, jobs: testJobs } : base;
        tally.files++;
        const check = await checkImport(file, deps);
        expect(counts.writes).toBe(0);
        if (!check.ok) {
          tally.refusedFiles++;
          for (const { line, error } of check.refused) {
            expect(error).toBeInstanceOf(SchedulerError);
            expect(line).toBeGreaterThanOrEqual(1);
            expect(line).toBeLessThanOrEqual(file.length);
          }
          return;
        }
        tally.appliedFiles++;
        const result = await applyImport(check.lines, deps);
        expect(result.added.length + result.unchanged.length).toBe(check.lines.length);
      }),
      { numRuns: 1_000 },
    );
    expect(tally.files).toBe(1_000);
    expect(tally.appliedFiles).toBeGreaterThan(0);
  });
});
