/**
 * One SQLite connection as the store uses it: opened with WAL and the current schema, statements
 * prepared once and cached, write transactions, and SQLite's errors turned into ours.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import {
  DatabaseSync,
  type SQLInputValue,
  type SQLOutputValue,
  type StatementSync,
} from "node:sqlite";
import { systemClock } from "../../clock.js";
import { SchedulerError, StoreError } from "../../errors.js";
import { migrate, SQL, type StatementName } from "./schema.js";

export interface Connection {
  readonly db: DatabaseSync;
  /** Runs a fixed statement; `changes` tells whether a conditional write took. */
  run(name: StatementName, ...params: SQLInputValue[]): { changes: number | bigint };
  /** Rows of `sql` (cached by its text), each an array in the statement's column order. */
  rows(sql: string, ...params: SQLInputValue[]): SQLOutputValue[][];
  /** Runs `body` in a `BEGIN IMMEDIATE` transaction; all it wrote is undone if it throws. */
  immediate<T>(body: () => T): T;
}

/** Opens `path` (creating it and its directory), in WAL mode, migrated to the current schema. */
export function openDatabase(path: string, busyTimeoutMs: number): Connection {
  const db = guard(`open ${path}`, () => {
    if (path !== ":memory:" && path !== "") mkdirSync(dirname(path), { recursive: true });
    const opened = new DatabaseSync(path);
    const timeoutMs = Math.max(0, Math.floor(busyTimeoutMs));
    opened.exec(`PRAGMA busy_timeout = ${timeoutMs}`);
    // Switching to WAL escalates to an exclusive lock, and SQLite does not wait (its busy
    // handler is skipped to avoid deadlock) while another process (`dev`, a second command)
    // holds a write lock: retry for as long as the busy timeout allows.
    whileLocked(timeoutMs, () => opened.exec("PRAGMA journal_mode = WAL"));
    // Durable when the process dies; a power loss may take the last commits.
    opened.exec("PRAGMA synchronous = NORMAL");
    migrate(opened, path);
    return opened;
  });

  const prepared = new Map<string, StatementSync>();
  function statement(sql: string): StatementSync {
    let found = prepared.get(sql);
    if (found === undefined) {
      found = db.prepare(sql);
      found.setReturnArrays(true);
      prepared.set(sql, found);
    }
    return found;
  }

  return {
    db,
    run: (name, ...params) => statement(SQL[name]).run(...params),
    rows: (sql, ...params) => statement(sql).all(...params) as unknown as SQLOutputValue[][],
    immediate(body) {
      db.exec("BEGIN IMMEDIATE");
      try {
        const result = body();
        db.exec("COMMIT");
        return result;
      } catch (error) {
        if (db.isTransaction) db.exec("ROLLBACK");
        throw error;
      }
    },
  };
}

/**
 * Runs `body` again while SQLite says the database is locked, for up to `timeoutMs`. The wait is
 * real time, not the store's clock: a manual clock would never reach the deadline.
 */
function whileLocked(timeoutMs: number, body: () => void): void {
  const deadline = systemClock.now().getTime() + timeoutMs;
  for (;;) {
    try {
      body();
      return;
    } catch (error) {
      const locked = error instanceof Error && /database is locked/.test(error.message);
      if (!locked || systemClock.now().getTime() >= deadline) throw error;
      // This store is synchronous (node:sqlite), so it waits synchronously too.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/** Runs `body`, turning anything SQLite throws into a {@link StoreError} with `cause`. */
export function guard<T>(operation: string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof SchedulerError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new StoreError(`SQLite ${operation} failed: ${message}`, { cause: error });
  }
}
