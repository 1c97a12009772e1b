import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors.js";
import { migrate, SCHEMA_VERSION, SQL } from "../../src/store/sqlite/schema.js";
import { createSqliteStore } from "../../src/store/sqlite/store.js";
import { describeStoreContract } from "./contract.js";
import { aRun, aSchedule, T0 } from "./fixtures.js";

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
      runs: [aRun("s1", T0)],
    });
    expect(won.claimed).toBe(true);
    if (stale === undefined) throw new Error("schedule not visible to the second connection");
    const lost = await cli.claim({ schedule: stale, changes: {}, runs: [aRun("s1", T0)] });
    expect(lost).toEqual({ claimed: false, reason: "schedule-changed" });
    await tick.close();
    await cli.close();
  });

  it("turns SQLite failures into StoreError with the cause", async () => {
    const store = createSqliteStore({ path: join(dir, "schedules.db") });
    await store.close();
    const read = store.getSchedule("s1");
    await expect(read).rejects.toBeInstanceOf(StoreError);
    await expect(read).rejects.toHaveProperty("cause.code", "ERR_INVALID_STATE");
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
    ["pending", "INDEX runs_pending"],
    ["pendingAfter", "INDEX runs_pending"],
    ["runs", "USING INDEX runs_by_schedule"],
    ["runsByStatus", "USING INDEX runs_by_schedule"],
    ["getRun", "INDEX runs_by_schedule"],
    ["runExists", "INDEX runs_by_schedule"],
  ])("reads %s through an index, never a table scan", (name, index) => {
    const detail = plan(SQL[name]);
    expect(detail).toContain(index);
    expect(detail).not.toMatch(/SCAN (schedules|runs)/);
  });
});
