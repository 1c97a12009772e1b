/**
 * Backfill on real stores: memory and SQLite in-process, and DynamoDB on the emulator for the
 * idempotence case, which is the one that rests on the store's conditional write.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ManualClock, manualClock } from "../../src/clock.js";
import { backfill, createSchedule } from "../../src/control/index.js";
import { InvalidScheduleError, ScheduleNotFoundError } from "../../src/errors.js";
import { createDynamoStore } from "../../src/store/dynamodb/store.js";
import { createMemoryStore } from "../../src/store/memory.js";
import { createSqliteStore } from "../../src/store/sqlite/store.js";
import type { ScheduleStore } from "../../src/store/types.js";
import { iso } from "../planning/factories.js";
import { emulatorTable } from "../support/dynamodb.js";
import { recordingDispatcher } from "../tick/fakes.js";
import { testJobs } from "./jobs.js";

interface StoreFixture {
  readonly store: ScheduleStore;
  cleanup(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const STORES: Record<string, (clock: ManualClock) => Promise<StoreFixture>> = {
  memory: async (clock) => ({ store: createMemoryStore({ clock }), cleanup: async () => {} }),
  SQLite: async (clock) => {
    const dir = mkdtempSync(join(tmpdir(), "backfill-"));
    const store = createSqliteStore({ path: join(dir, "schedules.db"), clock });
    return {
      store,
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

async function dynamoStore(): Promise<StoreFixture> {
  const { client, tableName, drop } = await emulatorTable("backfill");
  const store = createDynamoStore({ tableName, client });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await drop();
    },
  };
}

/** An hourly schedule created on 2026-01-01, and a clock three days later. */
async function hourly(open: (clock: ManualClock) => Promise<StoreFixture>) {
  const clock = manualClock("2026-01-01T00:00:00Z");
  const fixture = await open(clock);
  cleanups.push(fixture.cleanup);
  const deps = { store: fixture.store, clock, jobs: testJobs };
  await createSchedule(
    { id: "h", job: "hello", expression: "0 * * * *", payload: { name: "Ada" } },
    deps,
  );
  clock.set("2026-01-04T00:00:00Z");
  const dispatcher = recordingDispatcher();
  return { ...deps, dispatcher };
}

const RANGE = { from: "2026-01-02T00:00:00Z", to: "2026-01-02T05:00:00Z" } as const;

describe.each(Object.entries(STORES))("backfill on the %s store", (_name, open) => {
  it("dispatches each occurrence of the range once, as a manual run, and nothing on a second call", async () => {
    const deps = await hourly(open);
    const first = await backfill("h", RANGE, deps);
    expect(first.items.map((i) => [iso(i.scheduledAt), i.outcome])).toEqual(
      [0, 1, 2, 3, 4, 5].map((h) => [`2026-01-02T0${h}:00:00.000Z`, "dispatched"]),
    );
    expect(deps.dispatcher.accepted).toHaveLength(6);
    expect(deps.dispatcher.accepted.every((d) => d.envelope.manual === true)).toBe(true);
    const run = await deps.store.getRun("h", Date.parse("2026-01-02T03:00:00Z"));
    expect(run?.status).toBe("DISPATCHED");

    const second = await backfill("h", RANGE, deps);
    expect(second.items.every((i) => i.outcome === "existed")).toBe(true);
    expect(deps.dispatcher.accepted).toHaveLength(6);
  });

  it("stops at the cap and says where to go on", async () => {
    const deps = await hourly(open);
    const result = await backfill("h", { ...RANGE, max: 4 }, deps);
    expect(result.items).toHaveLength(4);
    expect(iso(result.nextFrom)).toBe("2026-01-02T04:00:00.000Z");
    const rest = await backfill("h", { ...RANGE, from: "2026-01-02T04:00:00Z" }, deps);
    expect(rest.items.map((i) => i.outcome)).toEqual(["dispatched", "dispatched"]);
    expect(rest.nextFrom).toBeUndefined();
  });

  it("writes nothing on a dry run and lists the occurrences", async () => {
    const deps = await hourly(open);
    const result = await backfill("h", { ...RANGE, dryRun: true }, deps);
    expect(result.items).toHaveLength(6);
    expect(result.items.every((i) => i.outcome === "would-dispatch")).toBe(true);
    expect(deps.dispatcher.accepted).toHaveLength(0);
    expect((await deps.store.listRuns("h")).items).toHaveLength(0);
  });

  it("sends again a run that an earlier backfill recorded but could not send", async () => {
    const deps = await hourly(open);
    deps.dispatcher.throwNext();
    const refused = await backfill("h", { ...RANGE, to: "2026-01-02T01:00:00Z" }, deps);
    expect(refused.items.map((i) => i.outcome)).toEqual(["pending", "pending"]);
    const again = await backfill("h", { ...RANGE, to: "2026-01-02T01:00:00Z" }, deps);
    expect(again.items.map((i) => i.outcome)).toEqual(["dispatched", "dispatched"]);
  });

  it.each([
    ["from", { from: "2026-01-02T05:00:00Z", to: "2026-01-02T00:00:00Z" }],
    ["from", { from: "1969-12-31T00:00:00Z", to: "2026-01-02T00:00:00Z" }],
    ["to", { from: "2026-01-02T00:00:00Z", to: "10000-01-01T00:00:00Z" }],
    ["to", { from: "2026-01-02T00:00:00Z", to: "2026-02-01T00:00:00Z" }],
    ["max", { ...RANGE, max: 0 }],
  ])("refuses a bad %s, writing nothing", async (field, options) => {
    const deps = await hourly(open);
    const error = await backfill("h", options, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidScheduleError);
    expect((error as InvalidScheduleError).field).toBe(field);
    expect((await deps.store.listRuns("h")).items).toHaveLength(0);
  });

  it("refuses an unknown schedule", async () => {
    const deps = await hourly(open);
    await expect(backfill("nope", RANGE, deps)).rejects.toThrow(ScheduleNotFoundError);
  });

  it("keeps to the schedule's start and end", async () => {
    const deps = await hourly(open);
    await createSchedule(
      {
        id: "bounded",
        job: "anything",
        expression: "0 * * * *",
        startAt: "2026-01-02T02:00:00Z",
        endAt: "2026-01-02T03:30:00Z",
      },
      { ...deps, clock: manualClock("2026-01-01T00:00:00Z") },
    );
    const result = await backfill("bounded", { ...RANGE, dryRun: true }, deps);
    expect(result.items.map((i) => iso(i.scheduledAt))).toEqual([
      "2026-01-02T02:00:00.000Z",
      "2026-01-02T03:00:00.000Z",
    ]);
  });
});

describe("backfill on DynamoDB", () => {
  it("is idempotent by run id: a second backfill of the range dispatches nothing", async () => {
    const deps = await hourly(dynamoStore);
    const first = await backfill("h", RANGE, deps);
    expect(first.items.filter((i) => i.outcome === "dispatched")).toHaveLength(6);
    const second = await backfill("h", RANGE, deps);
    expect(second.items.map((i) => i.outcome)).toEqual(Array(6).fill("existed"));
    expect(deps.dispatcher.accepted).toHaveLength(6);
  });
});
