/**
 * The SQLite store's schema, its migrations (versioned with `PRAGMA user_version`), and the
 * mapping between records and rows. JSON values are kept as text, so they round-trip exactly.
 */
import type { DatabaseSync, SQLInputValue, SQLOutputValue } from "node:sqlite";
import { StoreError } from "../../errors.js";
import type { ListPosition } from "../records.js";
import type { RunRecord, ScheduleRecord } from "../types.js";
import { runIdOf } from "../types.js";

/**
 * Schema migrations; migration `i` takes the database from version `i` to `i + 1`. Never edit one
 * that has shipped: append.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE schedules (
     id TEXT NOT NULL PRIMARY KEY,
     job TEXT NOT NULL,
     expression TEXT NOT NULL,
     timezone TEXT NOT NULL,
     payload TEXT NOT NULL,
     state TEXT NOT NULL,
     first_run TEXT NOT NULL,
     catch_up TEXT NOT NULL,
     max_lateness_ms INTEGER,
     overlap TEXT,
     jitter_ms INTEGER,
     precise INTEGER NOT NULL,
     start_at INTEGER,
     end_at INTEGER,
     max_runs INTEGER,
     run_count INTEGER NOT NULL,
     next_run_at INTEGER,
     due_at INTEGER,
     last_scheduled_at INTEGER,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     version INTEGER NOT NULL
   );
   -- The tick's index: only what can be due is in it, so its size follows the due set.
   CREATE INDEX schedules_due ON schedules (due_at, id)
     WHERE state = 'ENABLED' AND due_at IS NOT NULL;
   CREATE TABLE runs (
     schedule_id TEXT NOT NULL,
     scheduled_at INTEGER NOT NULL,
     job TEXT NOT NULL,
     due_at INTEGER NOT NULL,
     status TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     payload TEXT NOT NULL,
     manual INTEGER,
     precise INTEGER,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     dispatched_at INTEGER,
     started_at INTEGER,
     finished_at INTEGER,
     duration_ms INTEGER,
     error TEXT,
     result TEXT,
     expires_at INTEGER
   );
   -- Both the run's identity and a schedule's history, newest first.
   CREATE UNIQUE INDEX runs_by_schedule ON runs (schedule_id, scheduled_at DESC);
   -- The outbox: PENDING runs only, oldest first.
   CREATE INDEX runs_pending ON runs (created_at, schedule_id, scheduled_at)
     WHERE status = 'PENDING';`,
  // 2: runs keep a payload only when the writer gave one (run-now), so the column may be NULL;
  // SQLite cannot relax a NOT NULL in place, so the table is rebuilt. The tick no longer keeps an
  // outbox of PENDING runs (runs_pending goes with the old table), and leases keep two ticks
  // from working one shard at once.
  `CREATE TABLE runs_v2 (
     schedule_id TEXT NOT NULL,
     scheduled_at INTEGER NOT NULL,
     job TEXT NOT NULL,
     due_at INTEGER NOT NULL,
     status TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     payload TEXT,
     manual INTEGER,
     precise INTEGER,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     dispatched_at INTEGER,
     started_at INTEGER,
     finished_at INTEGER,
     duration_ms INTEGER,
     error TEXT,
     result TEXT,
     expires_at INTEGER
   );
   INSERT INTO runs_v2 SELECT * FROM runs;
   DROP TABLE runs;
   ALTER TABLE runs_v2 RENAME TO runs;
   CREATE UNIQUE INDEX runs_by_schedule ON runs (schedule_id, scheduled_at DESC);
   CREATE TABLE leases (
     name TEXT NOT NULL PRIMARY KEY,
     owner TEXT NOT NULL,
     held_until INTEGER NOT NULL
   );`,
  // 3: a schedule may keep the records of failed runs only.
  "ALTER TABLE schedules ADD COLUMN history TEXT;",
  // 4: the delivery that wrote RUNNING, and a failure event recorded but not yet published.
  `ALTER TABLE runs ADD COLUMN owner TEXT;
   ALTER TABLE runs ADD COLUMN unreported TEXT;`,
  // 5: the runs index across schedules, partial: only the statuses of RUN_INDEXED, so a run that
  // succeeds never enters it. The list must stay equal to RUNS_INDEX_STATUSES below.
  `CREATE INDEX runs_indexed ON runs (scheduled_at DESC, schedule_id DESC)
     WHERE status IN ('PENDING', 'DISPATCHED', 'RETRYING', 'FAILED', 'MISSED', 'EXPIRED', 'SKIPPED', 'CANCELLED');`,
];

/**
 * The WHERE term of the partial index runs_indexed, as the migration wrote it: a query lets
 * SQLite use that index only when its WHERE contains this very term.
 */
export const RUNS_INDEX_TERM =
  "status IN ('PENDING', 'DISPATCHED', 'RETRYING', 'FAILED', 'MISSED', 'EXPIRED', 'SKIPPED', 'CANCELLED')";

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database to {@link SCHEMA_VERSION}; refuses one written by a newer version. */
export function migrate(db: DatabaseSync, location: string): void {
  db.exec("BEGIN IMMEDIATE");
  try {
    const row = db.prepare("PRAGMA user_version").get();
    const version = Number(row?.user_version ?? 0);
    if (version > SCHEMA_VERSION) {
      throw new StoreError(
        `the database ${location} has schema version ${version}, newer than this lambda-scheduler's (${SCHEMA_VERSION}): upgrade lambda-scheduler to open it`,
      );
    }
    for (const migration of MIGRATIONS.slice(version)) db.exec(migration);
    if (version < SCHEMA_VERSION) db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec("COMMIT");
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw error;
  }
}

/** How a field is kept in its column. */
type Kind = "text" | "number" | "boolean" | "json";
type Column<R> = readonly [field: keyof R & string, column: string, kind: Kind];

const SCHEDULE_COLUMNS: readonly Column<ScheduleRecord>[] = [
  ["id", "id", "text"],
  ["job", "job", "text"],
  ["expression", "expression", "text"],
  ["timezone", "timezone", "text"],
  ["payload", "payload", "json"],
  ["state", "state", "text"],
  ["firstRun", "first_run", "text"],
  ["catchUp", "catch_up", "text"],
  ["maxLatenessMs", "max_lateness_ms", "number"],
  ["overlap", "overlap", "text"],
  ["history", "history", "text"],
  ["jitterMs", "jitter_ms", "number"],
  ["precise", "precise", "boolean"],
  ["startAt", "start_at", "number"],
  ["endAt", "end_at", "number"],
  ["maxRuns", "max_runs", "number"],
  ["runCount", "run_count", "number"],
  ["nextRunAt", "next_run_at", "number"],
  ["dueAt", "due_at", "number"],
  ["lastScheduledAt", "last_scheduled_at", "number"],
  ["createdAt", "created_at", "number"],
  ["updatedAt", "updated_at", "number"],
  ["version", "version", "number"],
];

// `runId` has no column: it is derived from the key.
const RUN_COLUMNS: readonly Column<RunRecord>[] = [
  ["scheduleId", "schedule_id", "text"],
  ["scheduledAt", "scheduled_at", "number"],
  ["job", "job", "text"],
  ["dueAt", "due_at", "number"],
  ["status", "status", "text"],
  ["attempt", "attempt", "number"],
  ["payload", "payload", "json"],
  ["manual", "manual", "boolean"],
  ["precise", "precise", "boolean"],
  ["createdAt", "created_at", "number"],
  ["updatedAt", "updated_at", "number"],
  ["dispatchedAt", "dispatched_at", "number"],
  ["startedAt", "started_at", "number"],
  ["finishedAt", "finished_at", "number"],
  ["durationMs", "duration_ms", "number"],
  ["error", "error", "json"],
  ["result", "result", "json"],
  ["expiresAt", "expires_at", "number"],
  ["owner", "owner", "text"],
  ["unreported", "unreported", "json"],
];

function encode<R>(columns: readonly Column<R>[], record: R): SQLInputValue[] {
  return columns.map(([field, , kind]) => {
    const value = record[field] as unknown;
    if (value === undefined) return null;
    switch (kind) {
      case "text":
      case "number":
        return value as string | number;
      case "boolean":
        return value ? 1 : 0;
      case "json":
        return JSON.stringify(value);
      default: {
        const unknownKind: never = kind;
        throw new Error(`unknown column kind ${String(unknownKind)}`);
      }
    }
  });
}

function decode<R>(columns: readonly Column<R>[], row: readonly SQLOutputValue[]): R {
  const record: Record<string, unknown> = {};
  columns.forEach(([field, , kind], index) => {
    const value = row[index];
    if (value === null || value === undefined) return;
    record[field] =
      kind === "json" ? JSON.parse(String(value)) : kind === "boolean" ? value === 1 : value;
  });
  return record as R;
}

/** A schedule's column values, in {@link SQL} column order. */
export const encodeSchedule = (record: ScheduleRecord): SQLInputValue[] =>
  encode(SCHEDULE_COLUMNS, record);
export const decodeSchedule = (row: readonly SQLOutputValue[]): ScheduleRecord =>
  decode(SCHEDULE_COLUMNS, row);
export const encodeRun = (run: RunRecord): SQLInputValue[] => encode(RUN_COLUMNS, run);
export function decodeRun(row: readonly SQLOutputValue[]): RunRecord {
  const run = decode(RUN_COLUMNS, row);
  return { ...run, runId: runIdOf(run.scheduleId, run.scheduledAt) };
}

const names = <R>(columns: readonly Column<R>[]) => columns.map(([, column]) => column);
const S = names(SCHEDULE_COLUMNS).join(", ");
const R = names(RUN_COLUMNS).join(", ");
const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");
const assignments = <R>(columns: readonly Column<R>[]) =>
  names(columns)
    .map((c) => `${c} = ?`)
    .join(", ");

/** Every fixed statement the store runs; `SELECT`s list columns in codec order. */
export const SQL = {
  insertSchedule: `INSERT INTO schedules (${S}) VALUES (${marks(SCHEDULE_COLUMNS.length)}) ON CONFLICT (id) DO NOTHING`,
  getSchedule: `SELECT ${S} FROM schedules WHERE id = ?`,
  /** Full row, conditional on the version the new values were computed from. */
  writeSchedule: `UPDATE schedules SET ${assignments(SCHEDULE_COLUMNS)} WHERE id = ? AND version = ?`,
  deleteSchedule: "DELETE FROM schedules WHERE id = ?",
  deleteRuns: "DELETE FROM runs WHERE schedule_id = ?",
  // The literal state and IS NOT NULL let SQLite use the partial index schedules_due.
  due: `SELECT ${S} FROM schedules WHERE state = 'ENABLED' AND due_at IS NOT NULL AND due_at <= ? ORDER BY due_at, id LIMIT ?`,
  dueAfter: `SELECT ${S} FROM schedules WHERE state = 'ENABLED' AND due_at IS NOT NULL AND due_at <= ? AND (due_at, id) > (?, ?) ORDER BY due_at, id LIMIT ?`,
  listSchedules: `SELECT ${S} FROM schedules`,
  insertRun: `INSERT INTO runs (${R}) VALUES (${marks(RUN_COLUMNS.length)}) ON CONFLICT (schedule_id, scheduled_at) DO NOTHING`,
  getRun: `SELECT ${R} FROM runs WHERE schedule_id = ? AND scheduled_at = ?`,
  writeRun: `UPDATE runs SET ${assignments(RUN_COLUMNS)} WHERE schedule_id = ? AND scheduled_at = ?`,
  runs: `SELECT ${R} FROM runs WHERE schedule_id = ? AND scheduled_at < ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY scheduled_at DESC LIMIT ?`,
  runsByStatus: `SELECT ${R} FROM runs WHERE schedule_id = ? AND scheduled_at < ? AND (expires_at IS NULL OR expires_at > ?) AND status = ? ORDER BY scheduled_at DESC LIMIT ?`,
  /** Counts through the due index and stops at the LIMIT, so a large due set costs only `max`. */
  countDue: `SELECT COUNT(*) FROM (SELECT 1 FROM schedules WHERE state = 'ENABLED' AND due_at IS NOT NULL AND due_at <= ? LIMIT ?)`,
  /** Takes a lease that is free, expired (held_until <= now) or held by the same owner. */
  acquireLease:
    "INSERT INTO leases (name, owner, held_until) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, held_until = excluded.held_until WHERE leases.held_until <= ? OR leases.owner = excluded.owner",
  releaseLease: "DELETE FROM leases WHERE name = ? AND owner = ?",
} as const;
export type StatementName = keyof typeof SQL;

/** The `queryRuns` query for these filters, past `after`; its text depends only on which filters are set. */
export function queryRunsQuery(
  options: { status?: string; job?: string; since?: number },
  after: readonly [scheduledAt: number, scheduleId: string] | undefined,
  nowSeconds: number,
  limit: number,
): { sql: string; params: SQLInputValue[] } {
  const where = [RUNS_INDEX_TERM, "(expires_at IS NULL OR expires_at > ?)"];
  const params: SQLInputValue[] = [nowSeconds];
  if (options.status !== undefined) where.push("status = ?") && params.push(options.status);
  if (options.job !== undefined) where.push("job = ?") && params.push(options.job);
  if (options.since !== undefined) where.push("scheduled_at >= ?") && params.push(options.since);
  if (after !== undefined) {
    where.push("(scheduled_at, schedule_id) < (?, ?)");
    params.push(after[0], after[1]);
  }
  params.push(limit);
  return {
    sql: `SELECT ${R} FROM runs WHERE ${where.join(" AND ")} ORDER BY scheduled_at DESC, schedule_id DESC LIMIT ?`,
    params,
  };
}

/** The `listSchedules` query for these filters, past `after`; its text depends only on which filters are set. */
export function listQuery(
  options: { job?: string; state?: string; dueBefore?: number },
  after: ListPosition | undefined,
): { sql: string; params: SQLInputValue[] } {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  if (options.job !== undefined) where.push("job = ?") && params.push(options.job);
  if (options.state !== undefined) where.push("state = ?") && params.push(options.state);
  if (options.dueBefore !== undefined)
    where.push("next_run_at <= ?") && params.push(options.dueBefore);
  if (after !== undefined && after.n === null)
    where.push("(next_run_at IS NULL AND id > ?)") && params.push(after.id);
  if (after !== undefined && after.n !== null) {
    where.push("(next_run_at IS NULL OR next_run_at > ? OR (next_run_at = ? AND id > ?))");
    params.push(after.n, after.n, after.id);
  }
  const clause = where.length === 0 ? "" : ` WHERE ${where.join(" AND ")}`;
  return { sql: `${SQL.listSchedules}${clause}`, params };
}
