/**
 * The local queue's journal: the in-process queue's messages kept in the SQLite file of the
 * store, so that local mode loses nothing when its process stops. The tick keeps no record of a
 * run it sends; until the run starts, this journal is the only trace of it.
 */
import type { StatementSync } from "node:sqlite";
import { type Clock, systemClock } from "../clock.js";
import { prepare } from "../dispatch/batch.js";
import { type JournalEntry, journalEntries, type LocalJournal } from "../dispatch/local.js";
import type { Dispatcher } from "../dispatch/types.js";
import { openDatabase } from "../store/sqlite/connection.js";

/** A journal on a file, with the connection it holds. */
export interface SqliteJournal extends LocalJournal {
  /** Closes its connection (the store's own stays open). */
  close(): void;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS local_queue (
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  available_at INTEGER NOT NULL,
  receive_count INTEGER NOT NULL
)`;

/**
 * Opens the journal in the SQLite file at `path`, the one the store uses: its own connection
 * (WAL, and a busy timeout so that it waits for the store's writes) and its own table,
 * `local_queue`, created if missing.
 *
 * @example
 * const journal = openSqliteJournal(".lambda-scheduler/schedules.db");
 * const scheduler = startLocalScheduler({ store, journal });
 */
export function openSqliteJournal(
  path: string,
  options: { readonly busyTimeoutMs?: number } = {},
): SqliteJournal {
  const { db, immediate } = openDatabase(path, options.busyTimeoutMs ?? 5_000);
  db.exec(SCHEMA);
  const insert = db.prepare(
    "INSERT INTO local_queue (id, body, available_at, receive_count) VALUES (?, ?, ?, ?)",
  );
  const remove = db.prepare("DELETE FROM local_queue WHERE id = ?");
  const update = db.prepare(
    "UPDATE local_queue SET receive_count = ?, available_at = ? WHERE id = ?",
  );
  const load: StatementSync = db.prepare(
    "SELECT id, body, available_at, receive_count FROM local_queue ORDER BY available_at, id",
  );
  return {
    add(entries) {
      if (entries.length === 0) return;
      immediate(() => {
        for (const entry of entries) {
          insert.run(entry.id, entry.body, entry.availableAt, entry.receiveCount);
        }
      });
    },
    remove(ids) {
      if (ids.length === 1) remove.run(ids[0] as string);
      else if (ids.length > 1) {
        immediate(() => {
          for (const id of ids) remove.run(id);
        });
      }
    },
    update(id, receiveCount, availableAt) {
      return Number(update.run(receiveCount, availableAt, id).changes) > 0;
    },
    load() {
      return load.all().map((row) => ({
        id: String(row.id),
        body: String(row.body),
        availableAt: Number(row.available_at),
        receiveCount: Number(row.receive_count),
      }));
    },
    close: () => db.close(),
  };
}

/**
 * A journal in memory: for tests, and for an embedded store that is not a file (nothing
 * outlives the process there anyway).
 */
export function createMemoryJournal(): LocalJournal & { readonly entries: JournalEntry[] } {
  const held = new Map<string, JournalEntry>();
  return {
    get entries() {
      return [...held.values()];
    },
    add(entries) {
      for (const entry of entries) held.set(entry.id, { ...entry });
    },
    remove(ids) {
      for (const id of ids) held.delete(id);
    },
    update(id, receiveCount, availableAt) {
      const entry = held.get(id);
      if (entry === undefined) return false;
      held.set(id, { ...entry, receiveCount, availableAt });
      return true;
    },
    load() {
      return [...held.values()].sort((a, b) => a.availableAt - b.availableAt);
    },
  };
}

/**
 * A dispatcher that only journals: the CLI's `run` and `tick` without `--jobs` hand their runs
 * to the `dev` process on the same file this way, which takes them up within its next look.
 *
 * @example
 * await runTick({ store, dispatcher: journalDispatcher(journal), clock });
 */
export function journalDispatcher(journal: LocalJournal, clock: Clock = systemClock): Dispatcher {
  return {
    async dispatch(dispatches) {
      const { ready, failed } = prepare(dispatches, "local queue");
      journal.add(journalEntries(ready, clock.now().getTime()));
      return { failed };
    },
  };
}
