import { beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../../src/clock.js";
import {
  type ControlDependencies,
  createSchedule,
  deriveScheduleId,
  updateSchedule,
} from "../../src/control/index.js";
import {
  InvalidPayloadError,
  InvalidScheduleError,
  ScheduleExistsError,
  UnknownJobError,
} from "../../src/errors.js";
import { createMemoryStore } from "../../src/store/memory.js";
import type { ScheduleRecord, ScheduleStore } from "../../src/store/types.js";
import { ms } from "../planning/factories.js";
import { testJobs } from "./jobs.js";

const NOW = "2026-01-05T10:00:00.250Z";
let store: ScheduleStore;
let deps: ControlDependencies;

beforeEach(() => {
  store = createMemoryStore();
  deps = { store, clock: manualClock(NOW), jobs: testJobs };
});

async function everything(): Promise<readonly ScheduleRecord[]> {
  return (await store.listSchedules({ limit: 1000 })).items;
}

describe("creating a schedule", () => {
  it("stores it ENABLED and due at once when it has never run", async () => {
    const { schedule, created } = await createSchedule(
      { job: "hello", expression: "rate(5 minutes)", payload: { name: "Ada" } },
      deps,
    );
    expect(created).toBe(true);
    expect(schedule).toMatchObject({
      job: "hello",
      expression: "rate(5 minutes)",
      timezone: "UTC",
      payload: { name: "Ada" },
      state: "ENABLED",
      firstRun: "immediate",
      catchUp: "latest",
      precise: false,
      runCount: 0,
      nextRunAt: ms("2026-01-05T10:00:00Z"),
      dueAt: ms("2026-01-05T10:00:00Z"),
      version: 1,
    });
  });

  it("waits for the first occurrence when firstRun is scheduled", async () => {
    const { schedule } = await createSchedule(
      {
        job: "anything",
        expression: "0 12 * * *",
        firstRun: "scheduled",
        timezone: "Europe/Berlin",
      },
      deps,
    );
    expect(schedule.nextRunAt).toBe(ms("2026-01-05T11:00:00Z"));
  });

  it("derives its id from job, expression, time zone and payload, whatever the key order", async () => {
    const a = await createSchedule(
      { job: "anything", expression: "rate(1 hour)", payload: { a: 1, b: [1, { c: 2, d: 3 }] } },
      deps,
    );
    const b = await createSchedule(
      { job: "anything", expression: "rate(1 hour)", payload: { b: [1, { d: 3, c: 2 }], a: 1 } },
      deps,
    );
    expect(a.schedule.id).toMatch(/^anything-[0-9a-f]{16}$/);
    expect(b).toEqual({ schedule: a.schedule, created: false });
    expect(await everything()).toHaveLength(1);
    const other = await createSchedule(
      { job: "anything", expression: "rate(1 hour)", payload: { a: 2 } },
      deps,
    );
    expect(other.schedule.id).not.toBe(a.schedule.id);
  });

  it("returns the existing schedule when the same id is added with the same definition", async () => {
    const input = {
      id: "greet",
      job: "hello",
      expression: "rate(1 hour)",
      payload: { name: "Ada" },
    };
    await createSchedule(input, deps);
    expect((await createSchedule(input, deps)).created).toBe(false);
  });

  it("refuses an id taken by a different schedule, changing nothing", async () => {
    await createSchedule(
      { id: "greet", job: "hello", expression: "rate(1 hour)", payload: { name: "Ada" } },
      deps,
    );
    const before = await everything();
    await expect(
      createSchedule(
        { id: "greet", job: "hello", expression: "rate(2 hours)", payload: { name: "Ada" } },
        deps,
      ),
    ).rejects.toBeInstanceOf(ScheduleExistsError);
    expect(await everything()).toEqual(before);
  });

  it("accepts any well-formed job name when the jobs are not known", async () => {
    const { created } = await createSchedule(
      { job: "deployed-elsewhere", expression: "rate(1 hour)" },
      { store, clock: manualClock(NOW) },
    );
    expect(created).toBe(true);
  });

  it.each([
    ["a space", "has space"],
    ["an @", "a@b"],
    ["a letter outside ASCII", "héllo"],
    ["129 characters", "x".repeat(129)],
    ["a leading dash", "-nightly"],
  ])(
    "refuses a job name with %s, jobs known or not, as the envelope would, writing nothing",
    async (_case, job) => {
      for (const jobs of [undefined, testJobs]) {
        const attempt = createSchedule(
          { job, expression: "rate(1 hour)" },
          { store, clock: manualClock(NOW), ...(jobs === undefined ? {} : { jobs }) },
        );
        await expect(attempt).rejects.toMatchObject({
          name: "InvalidScheduleError",
          field: "job",
          message: expect.stringMatching(/1-128 characters from A-Z a-z 0-9 \. _ -/),
        });
      }
      expect(await everything()).toEqual([]);
    },
  );

  it("refuses a job name an update would give that the envelope cannot carry", async () => {
    await createSchedule({ id: "renamed", job: "anything", expression: "rate(1 hour)" }, deps);
    const before = await everything();
    await expect(updateSchedule("renamed", { job: "has space" }, deps)).rejects.toMatchObject({
      field: "job",
    });
    expect(await everything()).toEqual(before);
  });

  it.each([
    ["timezone", { timezone: null }],
    ["precise", { precise: null }],
    ["job", { job: null }],
  ])(
    "refuses null for %s in an update: only optional settings are removed",
    async (field, update) => {
      await createSchedule({ id: "kept", job: "anything", expression: "rate(1 hour)" }, deps);
      const before = await everything();
      await expect(updateSchedule("kept", update as never, deps)).rejects.toMatchObject({ field });
      expect(await everything()).toEqual(before);
    },
  );

  it('keeps history "failures" on the schedule, and nothing for the default "all"', async () => {
    const failures = await createSchedule(
      { job: "anything", expression: "rate(1 hour)", history: "failures" },
      deps,
    );
    expect(failures.schedule.history).toBe("failures");
    const all = await createSchedule(
      { job: "anything", expression: "rate(2 hours)", history: "all" },
      deps,
    );
    expect(all.schedule.history).toBeUndefined();
  });

  it.each<[string, unknown, unknown]>([
    ["keeps a JSON null payload as null", null, null],
    ["gives an empty object when no payload is given", undefined, {}],
  ])("%s", async (_case, payload, stored) => {
    const input = { job: "anything", expression: "rate(1 hour)" };
    const { schedule } = await createSchedule(
      payload === undefined ? input : { ...input, payload: payload as null },
      deps,
    );
    expect(schedule.payload).toStrictEqual(stored);
  });

  it("stores a time zone given in any case under its IANA spelling", async () => {
    const { schedule } = await createSchedule(
      { job: "anything", expression: "rate(1 hour)", timezone: "europe/berlin" },
      deps,
    );
    expect(schedule.timezone).toBe("Europe/Berlin");
  });

  it("gives each occurrence its jitter on the due index", async () => {
    const { schedule } = await createSchedule(
      { job: "anything", expression: "rate(1 hour)", jitterMs: 60_000 },
      deps,
    );
    const delay = (schedule.dueAt ?? 0) - (schedule.nextRunAt ?? 0);
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThanOrEqual(60_000);
  });

  it("derives the same id on every machine", () => {
    expect(
      deriveScheduleId({
        job: "hello",
        expression: "rate(5 seconds)",
        timezone: "UTC",
        payload: { name: "world" },
      }),
    ).toBe(
      deriveScheduleId({
        job: "hello",
        expression: "rate(5 seconds)",
        timezone: "UTC",
        payload: { name: "world" },
      }),
    );
  });
});

describe("a refused schedule writes nothing", () => {
  const big = "x".repeat(300 * 1024);
  const cases: {
    name: string;
    input: Parameters<typeof createSchedule>[0];
    error: new (...args: never[]) => Error;
    message: RegExp;
  }[] = [
    {
      name: "a bad expression",
      input: { job: "anything", expression: "every tuesday" },
      error: InvalidScheduleError,
      message: /./,
    },
    {
      name: "an unknown time zone",
      input: { job: "anything", expression: "rate(1 hour)", timezone: "Mars/Olympus" },
      error: InvalidScheduleError,
      message: /time zone "Mars\/Olympus"/,
    },
    {
      name: "an unknown job",
      input: { job: "helo", expression: "rate(1 hour)" },
      error: UnknownJobError,
      message: /registered jobs: hello, anything/,
    },
    {
      name: "a payload that is not JSON",
      input: { job: "anything", expression: "rate(1 hour)", payload: { at: new Date() } },
      error: InvalidPayloadError,
      message: /\$\.at is a Date/,
    },
    {
      name: "a payload over 255 KiB",
      input: { job: "anything", expression: "rate(1 hour)", payload: { big } },
      error: InvalidPayloadError,
      message: /the limit is 255 KiB/,
    },
    {
      name: "a payload that does not fit the job's schema",
      input: { job: "hello", expression: "rate(1 hour)", payload: { name: 42 } },
      error: InvalidPayloadError,
      message: /\$\.name/,
    },
    {
      name: 'history "failures" with overlap "skip"',
      input: { job: "anything", expression: "rate(1 hour)", history: "failures", overlap: "skip" },
      error: InvalidScheduleError,
      message: /history "failures" cannot go with overlap "skip"/,
    },
    {
      name: 'history "failures" with overlap "buffer-one"',
      input: {
        job: "anything",
        expression: "rate(1 hour)",
        history: "failures",
        overlap: "buffer-one",
      },
      error: InvalidScheduleError,
      message: /history "failures" cannot go with overlap "buffer-one"/,
    },
    {
      name: "an unknown history",
      input: {
        job: "anything",
        expression: "rate(1 hour)",
        history: "some" as unknown as "all",
      },
      error: InvalidScheduleError,
      message: /history/,
    },
    {
      name: "an id with an @",
      input: { id: "a@b", job: "anything", expression: "rate(1 hour)" },
      error: InvalidScheduleError,
      message: /schedule id "a@b" is invalid/,
    },
    {
      name: "an unknown catch-up policy",
      input: { job: "anything", expression: "rate(1 hour)", catchUp: "some" as "all" },
      error: InvalidScheduleError,
      message: /catchUp must be one of "latest", "all", "none"/,
    },
    {
      name: "an unknown firstRun",
      input: { job: "anything", expression: "rate(1 hour)", firstRun: "now" as "immediate" },
      error: InvalidScheduleError,
      message: /firstRun/,
    },
    {
      name: "an unknown overlap policy",
      input: { job: "anything", expression: "rate(1 hour)", overlap: "queue" as "skip" },
      error: InvalidScheduleError,
      message: /overlap/,
    },
    {
      name: "a negative jitter",
      input: { job: "anything", expression: "rate(1 hour)", jitterMs: -1 },
      error: InvalidScheduleError,
      message: /jitterMs must be a whole number/,
    },
    {
      name: "maxRuns of zero",
      input: { job: "anything", expression: "rate(1 hour)", maxRuns: 0 },
      error: InvalidScheduleError,
      message: /maxRuns/,
    },
    {
      name: "an end before the start",
      input: {
        job: "anything",
        expression: "rate(1 hour)",
        startAt: "2026-02-01T00:00:00Z",
        endAt: "2026-01-01T00:00:00Z",
      },
      error: InvalidScheduleError,
      message: /endAt must be after startAt/,
    },
    {
      name: "a start without an offset",
      input: { job: "anything", expression: "rate(1 hour)", startAt: "2026-02-01T00:00:00" },
      error: InvalidScheduleError,
      message: /with an offset/,
    },
    {
      name: "an end already past",
      input: { job: "anything", expression: "rate(1 hour)", endAt: "2026-01-01T00:00:00Z" },
      error: InvalidScheduleError,
      message: /never fires/,
    },
    {
      name: "an at time in the past",
      input: { job: "anything", expression: "at(2026-01-01T00:00:00)" },
      error: InvalidScheduleError,
      message: /is in the past/,
    },
    {
      name: "a deadline already past",
      input: { job: "anything", expression: "deadline(2026-01-01T00:00:00)" },
      error: InvalidScheduleError,
      message: /deadline has passed/,
    },
  ];
  it.each(cases)("for $name", async ({ input, error, message }) => {
    const attempt = createSchedule(input, deps);
    await expect(attempt).rejects.toBeInstanceOf(error);
    await expect(attempt).rejects.toThrow(message);
    expect(await everything()).toEqual([]);
  });
});
