import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConflictError, StoreError } from "../../src/errors.js";
import {
  MIGRATIONS,
  migrate,
  queryRunsQuery,
  RUNS_INDEX_TERM,
  SCHEMA_VERSION,
  SQL,
} from "../../src/store/sqlite/schema.js";
import { createSqliteStore } from "../../src/store/sqlite/store.js";
import { INDEXED_RUN_STATUSES } from "../../src/store/types.js";
import { describeStoreContract } from "./contract.js";
import { aRun, aSchedule, MINUTE, T0 } from "./fixtures.js";

describeStoreContract("SQLite (in memory)", async () => {
  const store = createSqliteStore();
  return { store, cleanup: () => store.close() };
});

describeStoreContract("SQLite (file)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "store-contract-"));
  const store = createSqliteStore({ path: join(dir, "schedules.db") });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe("the SQLite store on a file", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "store-sqlite-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps schedules and runs when the file is closed and opened again", async () => {
    const path = join(dir, "nested", "schedules.db");
    const first = createSqliteStore({ path });
    const created = await first.createSchedule(aSchedule("s1", { payload: { keep: [1, 2] } }));
    await first.createRun(aRun("s1", T0));
    await first.close();

    const second = createSqliteStore({ path });
    expect(await second.getSchedule("s1")).toStrictEqual(created);
    expect(await second.getRun("s1", T0)).toStrictEqual(aRun("s1", T0));
    expect((await second.queryDue({ dueBefore: T0 })).items.map((s) => s.id)).toEqual(["s1"]);
    await second.close();
  });

  it("waits for another process's lock when it opens the file, instead of failing", async () => {
    const path = join(dir, "schedules.db");
    // Another process holds a write lock on the file for a moment, as `dev` or a second command
    // may; switching the file to WAL has to wait for it.
    const holder = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import { DatabaseSync } from "node:sqlite";
         const db = new DatabaseSync(${JSON.stringify(path)});
         db.exec("CREATE TABLE other (a)");
         db.exec("BEGIN IMMEDIATE");
         db.exec("INSERT INTO other VALUES (1)");
         process.stdout.write("locked\\n");
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
         db.exec("COMMIT");`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const exited = once(holder, "exit");
    await once(holder.stdout, "data");
    const store = createSqliteStore({ path });
    await store.createSchedule(aSchedule("s1"));
    expect((await store.getSchedule("s1"))?.id).toBe("s1");
    await store.close();
    const [code] = await exited;
    expect(code).toBe(0);
  });

  it("writes in WAL mode and records its schema version", async () => {
    const path = join(dir, "schedules.db");
    const store = createSqliteStore({ path });
    await store.createSchedule(aSchedule("s1"));
    const db = new DatabaseSync(path);
    expect(db.prepare("PRAGMA journal_mode").get()?.journal_mode).toBe("wal");
    expect(db.prepare("PRAGMA user_version").get()?.user_version).toBe(SCHEMA_VERSION);
    db.close();
    await store.close();
  });

  it("refuses a database written by a newer schema version, saying what to do", async () => {
    const path = join(dir, "schedules.db");
    const db = new DatabaseSync(path);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => createSqliteStore({ path })).toThrow(StoreError);
    expect(() => createSqliteStore({ path })).toThrow(
      /newer than this lambda-scheduler's.*upgrade/,
    );
  });

  it("sees a claim made by another connection to the same file", async () => {
    const path = join(dir, "schedules.db");
    const tick = createSqliteStore({ path });
    const cli = createSqliteStore({ path });
    const read = await tick.createSchedule(aSchedule("s1"));
    const stale = await cli.getSchedule("s1");
    const won = await tick.claim({
      schedule: read,
      changes: { nextRunAt: T0 + 1, dueAt: T0 + 1 },
      records: [aRun("s1", T0, { status: "MISSED" })],
    });
    expect(won.claimed).toBe(true);
    if (stale === undefined) throw new Error("schedule not visible to the second connection");
    const lost = await cli.claim({ schedule: stale, changes: {}, records: [] });
    expect(lost).toEqual({ claimed: false, reason: "schedule-changed" });
    await tick.close();
    await cli.close();
  });

  it("migrates a version 1 database: its runs kept, runs without a payload and leases possible", async () => {
    const path = join(dir, "schedules.db");
    const old = new DatabaseSync(path);
    old.exec(MIGRATIONS[0] as string);
    old.exec("PRAGMA user_version = 1");
    const before = aRun("s1", T0, { status: "DISPATCHED", manual: true });
    old
      .prepare(
        "INSERT INTO runs (schedule_id, scheduled_at, job, due_at, status, attempt, payload, manual, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run("s1", T0, "hello", T0, "DISPATCHED", 0, JSON.stringify(before.payload), 1, T0, T0);
    old.close();

    const store = createSqliteStore({ path });
    expect(await store.getRun("s1", T0)).toStrictEqual(before);
    const started = aRun("s1", T0 + 1, { status: "RUNNING", payload: undefined });
    expect(await store.startRun(started, { expect: ["DISPATCHED"] })).toStrictEqual(started);
    const lease = { name: "tick#0", owner: "a", until: T0 + 1, now: T0 };
    expect(await store.acquireLease(lease)).toBe(true);
    await store.close();
    const db = new DatabaseSync(path);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all();
    expect(indexes.map((row) => row.name)).not.toContain("runs_pending");
    db.close();
  });

  it("turns SQLite failures into StoreError with the cause", async () => {
    const store = createSqliteStore({ path: join(dir, "schedules.db") });
    await store.close();
    const read = store.getSchedule("s1");
    await expect(read).rejects.toBeInstanceOf(StoreError);
    await expect(read).rejects.toHaveProperty("cause.code", "ERR_INVALID_STATE");
  });
});

describe("the SQLite store's batched writes", () => {
  const advance = { nextRunAt: T0 + MINUTE, dueAt: T0 + MINUTE };

  it("answers each of many claims issued at once on its own: a refused one fails no other", async () => {
    const store = createSqliteStore();
    const reads = [];
    for (let i = 0; i < 20; i += 1) reads.push(await store.createSchedule(aSchedule(`s${i}`)));
    await store.updateSchedule("s7", { payload: "edited" });
    const results = await Promise.all(
      reads.map((read) =>
        store.claim({
          schedule: read,
          changes: advance,
          records: [aRun(read.id, T0 - MINUTE, { status: "MISSED" })],
        }),
      ),
    );
    expect(results.map((r) => r.claimed)).toEqual(reads.map((r) => r.id !== "s7"));
    expect((await store.queryDue({ dueBefore: T0 })).items.map((s) => s.id)).toEqual(["s7"]);
    expect(await store.getRun("s7", T0 - MINUTE)).toBeDefined();
    await store.close();
  });

  it("undoes only the writes of a request that throws, and commits the others of its batch", async () => {
    const store = createSqliteStore();
    await store.createRun(aRun("s1", T0, { status: "DISPATCHED" }));
    await store.createRun(aRun("s2", T0, { status: "SUCCEEDED" }));
    const outcomes = await Promise.allSettled([
      store.startRun(aRun("s1", T0, { status: "RUNNING" }), { expect: ["DISPATCHED"] }),
      store.startRun(aRun("s2", T0, { status: "RUNNING" }), { expect: ["DISPATCHED"] }),
      store.updateRun("s3", T0, { status: "RUNNING" }, { expect: ["DISPATCHED"] }),
      store.startRun(aRun("s4", T0, { status: "RUNNING" }), { expect: ["DISPATCHED"] }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([
      "fulfilled",
      "rejected",
      "rejected",
      "fulfilled",
    ]);
    expect(outcomes[1]).toMatchObject({ reason: expect.any(ConflictError) });
    expect((await store.getRun("s1", T0))?.status).toBe("RUNNING");
    expect((await store.getRun("s2", T0))?.status).toBe("SUCCEEDED");
    expect((await store.getRun("s4", T0))?.status).toBe("RUNNING");
    await store.close();
  });

  it("answers the writes still queued when it is closed", async () => {
    const store = createSqliteStore();
    const read = await store.createSchedule(aSchedule("s1"));
    const claimed = store.claim({ schedule: read, changes: advance, records: [] });
    await store.close();
    expect((await claimed).claimed).toBe(true);
  });

  it("fails every request of a batch whose transaction cannot start, with StoreError", async () => {
    const store = createSqliteStore();
    const read = await store.createSchedule(aSchedule("s1"));
    await store.close();
    const batch = [
      store.claim({ schedule: read, changes: advance, records: [] }),
      store.startRun(aRun("s1", T0, { status: "RUNNING" }), { expect: [] }),
    ];
    for (const request of batch) {
      await expect(request).rejects.toBeInstanceOf(StoreError);
      await expect(request).rejects.toThrow(/SQLite write batch failed/);
    }
  });
});

describe("the SQLite store's query plans", () => {
  const db = new DatabaseSync(":memory:");
  migrate(db, ":memory:");
  const plan = (sql: string): string => {
    const params = Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 0);
    return db
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...params)
      .map((row) => String(row.detail))
      .join("; ");
  };

  it.each<[keyof typeof SQL, string]>([
    ["due", "USING INDEX schedules_due"],
    ["dueAfter", "USING INDEX schedules_due"],
    ["countDue", "INDEX schedules_due"],
    ["runs", "USING INDEX runs_by_schedule"],
    ["runsByStatus", "USING INDEX runs_by_schedule"],
    ["getRun", "INDEX runs_by_schedule"],
  ])("reads %s through an index, never a table scan", (name, index) => {
    const detail = plan(SQL[name]);
    expect(detail).toContain(index);
    expect(detail).not.toMatch(/SCAN (schedules|runs)/);
  });

  it.each<[string, Parameters<typeof queryRunsQuery>[0], boolean]>([
    ["every indexed status", {}, false],
    ["one status, one job, since a time", { status: "FAILED", job: "j", since: 1 }, false],
    ["the page after a cursor", {}, true],
  ])("reads runs across schedules (%s) through the partial index", (_, options, after) => {
    const { sql } = queryRunsQuery(options, after ? [1, "s"] : undefined, 0, 10);
    expect(plan(sql)).toContain("runs_indexed");
  });

  it("keeps the runs index's term equal to the statuses on the index", () => {
    const listed = [...RUNS_INDEX_TERM.matchAll(/'([A-Z]+)'/g)].map((m) => m[1]);
    expect(listed).toEqual([...INDEXED_RUN_STATUSES]);
  });
});
