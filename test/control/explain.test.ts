/**
 * `why`: one case of each reason, on the memory and SQLite stores. Run records are written as
 * the tick and the invoke side would leave them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ManualClock, manualClock } from "../../src/clock.js";
import {
  type ControlDependencies,
  createSchedule,
  explain,
  pauseSchedule,
  type WhyReasonKind,
  type WhyVerdict,
} from "../../src/control/index.js";
import { ScheduleNotFoundError } from "../../src/errors.js";
import { runRecord } from "../../src/planning/index.js";
import { createMemoryStore } from "../../src/store/memory.js";
import { createSqliteStore } from "../../src/store/sqlite/store.js";
import { RUN_STATUS, type RunStatus, type ScheduleStore } from "../../src/store/types.js";
import { ms } from "../planning/factories.js";
import { testJobs } from "./jobs.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const STORES: Record<string, (clock: ManualClock) => ScheduleStore> = {
  memory: (clock) => createMemoryStore({ clock }),
  SQLite: (clock) => {
    const dir = mkdtempSync(join(tmpdir(), "why-"));
    const store = createSqliteStore({ path: join(dir, "schedules.db"), clock });
    cleanups.push(() => {
      void store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return store;
  },
};

type Deps = ControlDependencies & { store: ScheduleStore; clock: ManualClock };

/** Writes the record of one occurrence, as the tick or the invoke side leaves it. */
async function ran(deps: Deps, id: string, at: string, status: RunStatus, reason?: string) {
  const record = await deps.store.getSchedule(id);
  if (record === undefined) throw new Error(`no schedule ${id}`);
  const now = deps.clock.now().getTime();
  const run = runRecord(record, ms(at), status, now, undefined, reason);
  await deps.store.createRun(
    status === RUN_STATUS.SUCCEEDED ? { ...run, attempt: 1, startedAt: ms(at) + 2_000 } : run,
  );
}

const hourly = { job: "anything", expression: "0 * * * *" } as const;

interface Case {
  readonly reason: WhyReasonKind;
  readonly verdict: WhyVerdict;
  readonly at: string;
  readonly occurrence: string;
  /** Builds the schedule (id `s`) and its runs; the clock starts at 2026-01-05T00:00Z. */
  readonly given: (deps: Deps) => Promise<void>;
}

const CASES: Case[] = [
  {
    reason: "paused",
    verdict: "not-run",
    at: "2026-01-05T02:00:00Z",
    occurrence: "2026-01-05T02:00:00Z",
    given: async (deps) => {
      await createSchedule({ id: "s", ...hourly }, deps);
      await pauseSchedule("s", deps);
      deps.clock.set("2026-01-05T03:00:00Z");
    },
  },
  {
    reason: "before-start",
    verdict: "not-run",
    at: "2026-01-05T02:00:00Z",
    occurrence: "2026-01-05T02:00:00Z",
    given: async (deps) => {
      await createSchedule({ id: "s", ...hourly, startAt: "2026-01-06T00:00:00Z" }, deps);
    },
  },
  {
    reason: "after-end",
    verdict: "not-run",
    at: "2026-01-05T05:00:00Z",
    occurrence: "2026-01-05T05:00:00Z",
    given: async (deps) => {
      await createSchedule({ id: "s", ...hourly, endAt: "2026-01-05T03:30:00Z" }, deps);
      deps.clock.set("2026-01-05T06:00:00Z");
    },
  },
  {
    // 02:30 does not exist in New York on 2026-03-08: the cron fires at 03:00 EDT.
    reason: "dst-gap",
    verdict: "ran",
    at: "2026-03-08T07:00:00Z",
    occurrence: "2026-03-08T07:00:00Z",
    given: async (deps) => {
      await createSchedule(
        { id: "s", job: "anything", expression: "30 2 * * *", timezone: "America/New_York" },
        deps,
      );
      deps.clock.set("2026-03-08T08:00:00Z");
      await ran(deps, "s", "2026-03-08T07:00:00Z", RUN_STATUS.SUCCEEDED);
    },
  },
  {
    // 01:30 happens twice on 2026-11-01; asked about the second (06:30Z), the answer is the first.
    reason: "dst-repeated",
    verdict: "ran",
    at: "2026-11-01T06:30:00Z",
    occurrence: "2026-11-01T05:30:00Z",
    given: async (deps) => {
      await createSchedule(
        { id: "s", job: "anything", expression: "30 1 * * *", timezone: "America/New_York" },
        deps,
      );
      deps.clock.set("2026-11-01T08:00:00Z");
      await ran(deps, "s", "2026-11-01T05:30:00Z", RUN_STATUS.SUCCEEDED);
    },
  },
  {
    reason: "missed",
    verdict: "not-run",
    at: "2026-01-05T02:00:10Z",
    occurrence: "2026-01-05T02:00:00Z",
    given: async (deps) => {
      await createSchedule({ id: "s", ...hourly, maxLatenessMs: 300_000 }, deps);
      deps.clock.set("2026-01-05T03:00:00Z");
      await ran(deps, "s", "2026-01-05T02:00:00Z", RUN_STATUS.MISSED, "60 min late, max 5 min");
    },
  },
  {
    reason: "skipped",
    verdict: "not-run",
    at: "2026-01-05T02:00:00Z",
    occurrence: "2026-01-05T02:00:00Z",
    given: async (deps) => {
      await createSchedule({ id: "s", ...hourly, overlap: "skip" }, deps);
      deps.clock.set("2026-01-05T03:00:00Z");
      await ran(deps, "s", "2026-01-05T02:00:00Z", RUN_STATUS.SKIPPED, "previous run RUNNING");
    },
  },
  {
    reason: "buffered",
    verdict: "not-yet",
    at: "2026-01-05T02:00:00Z",
    occurrence: "2026-01-05T02:00:00Z",
    given: async (deps) => {
      await createSchedule({ id: "s", ...hourly, overlap: "buffer-one" }, deps);
      deps.clock.set("2026-01-05T02:00:05Z");
      await ran(deps, "s", "2026-01-05T02:00:00Z", RUN_STATUS.BUFFERED);
    },
  },
  {
    reason: "collapsed",
    verdict: "not-run",
    at: "2026-01-05T02:00:00Z",
    occurrence: "2026-01-05T02:00:00Z",
    given: async (deps) => {
      await createSchedule({ id: "s", ...hourly, catchUp: "latest" }, deps);
      deps.clock.set("2026-01-05T06:00:00Z");
      await ran(deps, "s", "2026-01-05T00:00:00Z", RUN_STATUS.SUCCEEDED);
      await ran(deps, "s", "2026-01-05T05:00:00Z", RUN_STATUS.SUCCEEDED);
    },
  },
  {
    reason: "jitter",
    verdict: "ran",
    at: "2026-01-05T02:00:00Z",
    occurrence: "2026-01-05T02:00:00Z",
    given: async (deps) => {
      await createSchedule({ id: "s", ...hourly, jitterMs: 30_000 }, deps);
      deps.clock.set("2026-01-05T03:00:00Z");
      await ran(deps, "s", "2026-01-05T02:00:00Z", RUN_STATUS.SUCCEEDED);
    },
  },
  {
    reason: "ran",
    verdict: "ran",
    at: "2026-01-05T01:59:00Z",
    occurrence: "2026-01-05T02:00:00Z",
    given: async (deps) => {
      await createSchedule({ id: "s", ...hourly }, deps);
      deps.clock.set("2026-01-05T03:00:00Z");
      await ran(deps, "s", "2026-01-05T02:00:00Z", RUN_STATUS.SUCCEEDED);
    },
  },
];

describe.each(Object.entries(STORES))("why, on the %s store", (_name, open) => {
  function depsAt(start: string): Deps {
    const clock = manualClock(start);
    return { store: open(clock), clock, jobs: testJobs };
  }

  it.each(CASES)("explains $reason with verdict $verdict", async (c) => {
    const deps = depsAt(
      c.at.startsWith("2026-01") ? "2026-01-05T00:00:00Z" : `${c.at.slice(0, 8)}01T00:00:00Z`,
    );
    await c.given(deps);
    const answer = await explain("s", c.at, deps);
    expect(answer.reasons.map((r) => r.kind)).toContain(c.reason);
    expect(answer.verdict).toBe(c.verdict);
    expect(answer.occurrence).toBe(ms(c.occurrence));
    if (c.verdict === "ran")
      expect(answer.runId).toBe(`s@${new Date(ms(c.occurrence)).toISOString()}`);
  });

  it("refuses an unknown schedule and a time that is not an instant", async () => {
    const deps = depsAt("2026-01-05T00:00:00Z");
    await expect(explain("nope", "2026-01-05T00:00:00Z", deps)).rejects.toThrow(
      ScheduleNotFoundError,
    );
    await createSchedule({ id: "s", ...hourly }, deps);
    await expect(explain("s", "yesterday", deps)).rejects.toMatchObject({ field: "at" });
  });
});
