/**
 * The embedded store on `node:sqlite`: one file (or memory), WAL, the schema in
 * schema.ts. Every write that must be atomic runs in a `BEGIN IMMEDIATE` transaction, so
 * two processes on one file (the local runner and the CLI) serialise their writes. The tick's
 * and the runner's writes (claims, run starts and updates) issued in one turn of the event loop
 * share one transaction (batch.ts).
 */
import { type Clock, systemClock } from "../../clock.js";
import { ScheduleExistsError, ScheduleNotFoundError } from "../../errors.js";
import { decodeCursor } from "../cursor.js";
import {
  checkClaimRecords,
  claimedSchedule,
  isDuePosition,
  isListPosition,
  matchesScheduleFilter,
  newSchedule,
  PAGE_SIZE,
  pageOf,
  pageOfRuns,
  pageOfSchedules,
  pageSize,
  queriedRunStatuses,
  readsTheOneShard,
  runConditionHolds,
  runExistsError,
  runRefusedError,
  runsBefore,
  runsPositionOf,
  scheduleUpdate,
  startedRun,
  storedRun,
  updatedRun,
} from "../records.js";
import type { ClaimResult, RunRecord, ScheduleRecord, ScheduleStore } from "../types.js";
import { CLAIM_REFUSAL } from "../types.js";
import { createWriteBatcher } from "./batch.js";
import { guard, openDatabase } from "./connection.js";
import {
  decodeRun,
  decodeSchedule,
  encodeRun,
  encodeSchedule,
  listQuery,
  queryRunsQuery,
  SQL,
} from "./schema.js";

/** Options of {@link createSqliteStore}. */
export interface SqliteStoreOptions {
  /** Database file, created with its directory if missing. Default `:memory:`. */
  readonly path?: string;
  /** How long a write waits for another process's transaction, in ms. Default 5000. */
  readonly busyTimeoutMs?: number;
  /** Stamps `updatedAt` when a write does not say when it happened. Default: the system clock. */
  readonly clock?: Clock;
}

/** Later than any instant a `Date` can hold: the upper bound of an unbounded history read. */
const END_OF_TIME = 8.64e15 + 1;

/**
 * Opens (creating if needed) a SQLite {@link ScheduleStore}. Commits are durable when the
 * process dies (WAL with `synchronous = NORMAL`); the last commits may be lost if the machine
 * loses power. See the interface for the contract. Its due index is one shard (`dueShards()` is
 * 1), and leases live in the file, so ticks in two processes on one file exclude each other.
 *
 * @example
 * const store = createSqliteStore({ path: ".lambda-scheduler/schedules.db" });
 */
export function createSqliteStore(options: SqliteStoreOptions = {}): ScheduleStore {
  const path = options.path ?? ":memory:";
  const clock = options.clock ?? systemClock;
  const connection = openDatabase(path, options.busyTimeoutMs ?? 5_000);
  const { db, run, rows, immediate } = connection;
  const batch = createWriteBatcher(connection);

  function readSchedule(id: string): ScheduleRecord | undefined {
    const row = rows(SQL.getSchedule, id)[0];
    return row === undefined ? undefined : decodeSchedule(row);
  }
  function readRun(scheduleId: string, scheduledAt: number): RunRecord | undefined {
    const row = rows(SQL.getRun, scheduleId, scheduledAt)[0];
    return row === undefined ? undefined : decodeRun(row);
  }
  function writeSchedule(next: ScheduleRecord, fromVersion: number): boolean {
    return run("writeSchedule", ...encodeSchedule(next), next.id, fromVersion).changes === 1;
  }

  return {
    async createSchedule(record) {
      return guard("createSchedule", () => {
        const created = newSchedule(record);
        if (run("insertSchedule", ...encodeSchedule(created)).changes === 0) {
          throw new ScheduleExistsError(record.id);
        }
        return created;
      });
    },

    async getSchedule(id) {
      return guard("getSchedule", () => readSchedule(id));
    },

    async updateSchedule(id, changes, options = {}) {
      return guard("updateSchedule", () =>
        immediate(() => {
          const current = readSchedule(id);
          if (current === undefined) throw new ScheduleNotFoundError(id);
          const next = scheduleUpdate(current, changes, options, clock);
          writeSchedule(next, current.version);
          return next;
        }),
      );
    },

    async deleteSchedule(id) {
      return guard("deleteSchedule", () =>
        immediate(() => {
          run("deleteRuns", id);
          return run("deleteSchedule", id).changes === 1;
        }),
      );
    },

    async listSchedules(options = {}) {
      return guard("listSchedules", () => {
        const limit = pageSize(options.limit, PAGE_SIZE.schedules);
        const after =
          options.cursor === undefined ? undefined : decodeCursor(options.cursor, isListPosition);
        const { sql, params } = listQuery(options, after);
        const matching = rows(sql, ...params).map(decodeSchedule);
        // The SQL already filters; the shared filter keeps one definition of the semantics.
        return pageOfSchedules(
          matching.filter((r) => matchesScheduleFilter(r, options)),
          after,
          limit,
        );
      });
    },

    async dueShards() {
      return 1;
    },

    async queryDue(options) {
      if (!readsTheOneShard(options.shard)) return { items: [] };
      return guard("queryDue", () => {
        const limit = pageSize(options.limit, PAGE_SIZE.due);
        const after =
          options.cursor === undefined ? undefined : decodeCursor(options.cursor, isDuePosition);
        const found =
          after === undefined
            ? rows(SQL.due, options.dueBefore, limit + 1)
            : rows(SQL.dueAfter, options.dueBefore, after[0], after[1], limit + 1);
        const items = found.slice(0, limit).map(decodeSchedule);
        const last = items.at(-1);
        return pageOf(items, found.length > limit, () => [last?.dueAt, last?.id]);
      });
    },

    async countDue(options) {
      if (!readsTheOneShard(options.shard)) return 0;
      return guard("countDue", () => {
        const max = Math.max(0, Math.floor(options.max));
        return Number(rows(SQL.countDue, options.dueBefore, max)[0]?.[0] ?? 0);
      });
    },

    async claim(claim) {
      checkClaimRecords(claim);
      return batch.submit("claim", (): ClaimResult => {
        // Records first, each unless its occurrence has a run already (DO NOTHING keeps it).
        for (const record of claim.records) run("insertRun", ...encodeRun(storedRun(record)));
        const next = claimedSchedule(claim, clock.now().getTime());
        if (!writeSchedule(next, claim.schedule.version)) {
          return { claimed: false, reason: CLAIM_REFUSAL.scheduleChanged };
        }
        return { claimed: true, schedule: next };
      });
    },

    async acquireLease(lease) {
      return guard(
        "acquireLease",
        () => run("acquireLease", lease.name, lease.owner, lease.until, lease.now).changes === 1,
      );
    },

    async releaseLease(name, owner) {
      guard("releaseLease", () => run("releaseLease", name, owner));
    },

    async createRun(record) {
      return guard("createRun", () => {
        const created = storedRun(record);
        if (run("insertRun", ...encodeRun(created)).changes === 0) {
          throw runExistsError(created.runId, record.scheduleId);
        }
        return created;
      });
    },

    async getRun(scheduleId, scheduledAt) {
      return guard("getRun", () => readRun(scheduleId, scheduledAt));
    },

    async updateRun(scheduleId, scheduledAt, changes, condition) {
      return batch.submit("updateRun", () => {
        const current = readRun(scheduleId, scheduledAt);
        if (current === undefined || !runConditionHolds(current, condition)) {
          const status = current === undefined ? "does not exist" : `is ${current.status}`;
          throw runRefusedError(scheduleId, scheduledAt, condition, status);
        }
        const next = updatedRun(current, changes, clock.now().getTime());
        run("writeRun", ...encodeRun(next), scheduleId, scheduledAt);
        return next;
      });
    },

    async startRun(record, condition) {
      return batch.submit("startRun", () => {
        const { scheduleId, scheduledAt } = record;
        const current = readRun(scheduleId, scheduledAt);
        if (current === undefined) {
          const created = storedRun(record);
          run("insertRun", ...encodeRun(created));
          return created;
        }
        if (!runConditionHolds(current, condition)) {
          throw runRefusedError(scheduleId, scheduledAt, condition, `is ${current.status}`);
        }
        const next = startedRun(current, record);
        run("writeRun", ...encodeRun(next), scheduleId, scheduledAt);
        return next;
      });
    },

    async listRuns(scheduleId, options = {}) {
      return guard("listRuns", () => {
        const limit = pageSize(options.limit, PAGE_SIZE.runs);
        const before = Math.min(runsBefore(options), END_OF_TIME);
        const nowSeconds = Math.floor(clock.now().getTime() / 1_000);
        const found =
          options.status === undefined
            ? rows(SQL.runs, scheduleId, before, nowSeconds, limit + 1)
            : rows(SQL.runsByStatus, scheduleId, before, nowSeconds, options.status, limit + 1);
        const items = found.slice(0, limit).map(decodeRun);
        return pageOf(items, found.length > limit, () => items.at(-1)?.scheduledAt);
      });
    },

    async queryRuns(options = {}) {
      return guard("queryRuns", () => {
        const limit = pageSize(options.limit, PAGE_SIZE.runs);
        const [status] = queriedRunStatuses(options);
        const nowSeconds = Math.floor(clock.now().getTime() / 1_000);
        const { sql, params } = queryRunsQuery(
          { ...options, status: options.status === undefined ? undefined : status },
          runsPositionOf(options.cursor),
          nowSeconds,
          limit + 1,
        );
        return pageOfRuns(rows(sql, ...params).map(decodeRun), limit);
      });
    },

    async close() {
      guard("close", () => {
        // Requests already made are answered, not dropped.
        if (db.isOpen) batch.flush();
        if (db.isOpen) db.close();
      });
    },
  };
}
