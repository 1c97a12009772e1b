import { beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../../src/clock.js";
import {
  type ControlDependencies,
  createSchedule,
  deleteSchedule,
  pauseSchedule,
  previewRuns,
  resumeSchedule,
  runNow,
  updateSchedule,
} from "../../src/control/index.js";
import {
  DispatchError,
  InvalidPayloadError,
  InvalidScheduleError,
  ScheduleNotFoundError,
} from "../../src/errors.js";
import { createMemoryStore } from "../../src/store/memory.js";
import type { ScheduleStore } from "../../src/store/types.js";
import { runTick } from "../../src/tick/tick.js";
import { iso, ms } from "../planning/factories.js";
import { recordingDispatcher } from "../tick/fakes.js";
import { testJobs } from "./jobs.js";

let store: ScheduleStore;
let clock: ReturnType<typeof manualClock>;
let deps: ControlDependencies;

beforeEach(() => {
  clock = manualClock("2026-01-05T10:00:00Z");
  store = createMemoryStore({ clock });
  deps = { store, clock, jobs: testJobs };
});

async function hourly(overrides: Partial<Parameters<typeof createSchedule>[0]> = {}) {
  const { schedule } = await createSchedule(
    { id: "h", job: "hello", expression: "0 * * * *", payload: { name: "Ada" }, ...overrides },
    deps,
  );
  return schedule;
}

let dispatcher: ReturnType<typeof recordingDispatcher>;

async function tickNow() {
  dispatcher = recordingDispatcher();
  return runTick({ store, dispatcher, clock });
}

describe("updating a schedule", () => {
  it("moves the next run when the expression changes", async () => {
    await hourly({ firstRun: "scheduled" });
    const updated = await updateSchedule("h", { expression: "30 * * * *" }, deps);
    expect(iso(updated.nextRunAt)).toBe("2026-01-05T10:30:00.000Z");
    expect(updated.version).toBe(2);
  });

  it("removes an optional setting given null", async () => {
    await hourly({ endAt: "2026-06-01T00:00:00Z", jitterMs: 5_000 });
    const updated = await updateSchedule("h", { endAt: null, jitterMs: null }, deps);
    expect(updated.endAt).toBeUndefined();
    expect(updated.jitterMs).toBeUndefined();
    expect(updated.dueAt).toBe(updated.nextRunAt);
  });

  it("completes a schedule whose new end leaves no occurrence", async () => {
    await hourly({ firstRun: "scheduled" });
    const updated = await updateSchedule("h", { endAt: "2026-01-05T10:10:00Z" }, deps);
    expect(updated.state).toBe("COMPLETED");
    expect(updated.nextRunAt).toBeUndefined();
  });

  const refusals = [
    { name: "a bad expression", update: { expression: "61 * * * *" }, error: InvalidScheduleError },
    {
      name: "a payload that does not fit",
      update: { payload: { name: 1 } },
      error: InvalidPayloadError,
    },
    {
      name: "a missing schedule",
      update: { expression: "rate(1 hour)" },
      id: "nope",
      error: ScheduleNotFoundError,
    },
  ];
  it.each(refusals)("refuses $name and writes nothing", async ({ update, id, error }) => {
    const before = await hourly();
    await expect(updateSchedule(id ?? "h", update, deps)).rejects.toBeInstanceOf(error);
    expect(await store.getSchedule("h")).toEqual(before);
  });
});

describe("pausing and resuming", () => {
  it("takes a paused schedule off the due index", async () => {
    await hourly();
    const paused = await pauseSchedule("h", deps);
    expect(paused).toMatchObject({ state: "PAUSED" });
    expect(paused.nextRunAt).toBeUndefined();
    expect((await store.queryDue({ dueBefore: ms("2030-01-01T00:00:00Z") })).items).toEqual([]);
    expect(await tickNow()).toMatchObject({ read: 0, claimed: 0 });
  });

  it("resumes at the occurrence after the last scheduled one, so catch-up sees what was missed", async () => {
    await hourly();
    await tickNow(); // runs the first (immediate) occurrence at 10:00
    await pauseSchedule("h", deps);
    clock.set("2026-01-07T15:20:00Z");
    const resumed = await resumeSchedule("h", deps);
    expect(resumed.state).toBe("ENABLED");
    expect(iso(resumed.nextRunAt)).toBe("2026-01-05T11:00:00.000Z");
    const summary = await tickNow();
    expect(summary).toMatchObject({ claimed: 1, dispatched: 1 });
    expect(dispatcher.accepted.map((d) => d.envelope.scheduledAt)).toEqual([
      "2026-01-07T15:00:00.000Z",
    ]);
    expect(iso((await store.getSchedule("h"))?.nextRunAt)).toBe("2026-01-07T16:00:00.000Z");
  });

  it("does nothing when pausing a paused or resuming an enabled schedule", async () => {
    const created = await hourly();
    expect(await resumeSchedule("h", deps)).toEqual(created);
    const paused = await pauseSchedule("h", deps);
    expect(await pauseSchedule("h", deps)).toEqual(paused);
  });

  it("refuses to pause a schedule that has ended", async () => {
    await hourly({ maxRuns: 1 });
    await tickNow();
    await expect(pauseSchedule("h", deps)).rejects.toThrow(/is COMPLETED and cannot be paused/);
  });

  it("revives a completed schedule whose maxRuns was raised", async () => {
    await hourly({ maxRuns: 1 });
    await tickNow();
    await expect(resumeSchedule("h", deps)).rejects.toThrow(/raise its maxRuns or endAt/);
    await updateSchedule("h", { maxRuns: 3 }, deps);
    const resumed = await resumeSchedule("h", deps);
    expect(resumed).toMatchObject({ state: "ENABLED", nextRunAt: ms("2026-01-05T11:00:00Z") });
  });
});

describe("deleting", () => {
  it("removes the schedule and its runs", async () => {
    await hourly();
    await tickNow();
    await deleteSchedule("h", deps);
    expect(await store.getSchedule("h")).toBeUndefined();
    expect((await store.listRuns("h")).items).toEqual([]);
  });

  it("says when there was nothing to delete", async () => {
    await expect(deleteSchedule("h", deps)).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });
});

describe("run-now", () => {
  it("creates a manual run at now and dispatches it at once, leaving the schedule unchanged", async () => {
    const before = await hourly({ firstRun: "scheduled" });
    clock.advance(1_234);
    const dispatcher = recordingDispatcher();
    const { run, dispatched } = await runNow("h", { ...deps, dispatcher });
    expect(dispatched).toBe(true);
    expect(run).toMatchObject({
      runId: "h@2026-01-05T10:00:01.234Z",
      status: "DISPATCHED",
      manual: true,
      payload: { name: "Ada" },
      dueAt: ms("2026-01-05T10:00:01.234Z"),
    });
    expect(dispatcher.accepted.map((d) => d.envelope.runId)).toEqual([
      "h@2026-01-05T10:00:01.234Z",
    ]);
    expect(await store.getSchedule("h")).toEqual(before);
  });

  it("runs twice in the same millisecond as two runs", async () => {
    await hourly();
    const first = await runNow("h", deps);
    const second = await runNow("h", deps);
    expect(second.run.scheduledAt).toBe(first.run.scheduledAt + 1);
  });

  it("leaves the run PENDING for the tick without a dispatcher", async () => {
    await hourly();
    const { run, dispatched } = await runNow("h", deps);
    expect(dispatched).toBe(false);
    expect(run.status).toBe("PENDING");
  });

  it("takes a payload for this run only, validated against the job", async () => {
    await hourly();
    const { run } = await runNow("h", deps, { payload: { name: "Grace" } });
    expect(run.payload).toEqual({ name: "Grace" });
    await expect(runNow("h", deps, { payload: { name: 7 } })).rejects.toBeInstanceOf(
      InvalidPayloadError,
    );
  });

  it("says the run will be re-driven when the transport refuses it", async () => {
    await hourly();
    const dispatcher = recordingDispatcher();
    dispatcher.throwNext();
    await expect(runNow("h", { ...deps, dispatcher })).rejects.toBeInstanceOf(DispatchError);
    const [run] = (await store.listRuns("h")).items;
    expect(run?.status).toBe("PENDING");
  });
});

describe("previewing runs", () => {
  it("lists the next occurrences from the next run, within maxRuns", async () => {
    await hourly({ maxRuns: 3 });
    const runs = await previewRuns("h", 5, deps);
    expect(runs.map((r) => r.scheduledAt.toISOString())).toEqual([
      "2026-01-05T10:00:00.000Z",
      "2026-01-05T11:00:00.000Z",
      "2026-01-05T12:00:00.000Z",
    ]);
  });

  it("collapses missed occurrences to the latest, as the tick will", async () => {
    await hourly({ firstRun: "scheduled" });
    clock.set("2026-01-09T08:30:00Z");
    const [first, second] = await previewRuns("h", 2, deps);
    expect(first?.scheduledAt.toISOString()).toBe("2026-01-09T08:00:00.000Z");
    expect(second?.scheduledAt.toISOString()).toBe("2026-01-09T09:00:00.000Z");
  });

  it("is empty for an ended schedule", async () => {
    await hourly({ maxRuns: 1 });
    await tickNow();
    expect(await previewRuns("h", 3, deps)).toEqual([]);
  });
});
