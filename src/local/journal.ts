/**
 * The local queue's journal: the in-process queue's messages kept in the SQLite file of the
 * store, so that local mode loses nothing when its process stops. The tick keeps no record of a
 * run it sends; until the run starts, this journal is the only trace of it.
 */
import type { StatementSync } from "node:sqlite";
import { type Clock, systemClock } from "../clock.js";
import { prepare } from "../dispatch/batch.js";
import type { DeadLetterQueue } from "../dispatch/dead-letters.js";
import { type JournalEntry, journalEntries, type LocalJournal } from "../dispatch/local.js";
import type { Dispatcher } from "../dispatch/types.js";
import { openDatabase } from "../store/sqlite/connection.js";

/** A message the journal keeps as dead-lettered. */
export interface JournalDeadLetter {
  readonly id: string;
  readonly body: string;
  readonly receiveCount: number;
  /** What the consumer threw the last time, in words. */
  readonly reason: string;
  /** Epoch ms. */
  readonly movedAt: number;
}

/** A journal on a file, with the connection it holds. */
export interface SqliteJournal extends LocalJournal {
  deadLetter(id: string, reason: string): void;
  /** The dead letters kept, oldest first. */
  deadLetters(): JournalDeadLetter[];
  /**
   * Puts dead letters back on the queue, available at `availableAt` with no receive counted,
   * each in one transaction; returns the ids it moved (ones gone meanwhile are left out).
   */
  requeue(ids: readonly string[], availableAt: number): string[];
  /** Closes its connection (the store's own stays open). */
  close(): void;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS local_queue (
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  available_at INTEGER NOT NULL,
  receive_count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS local_dead_letters (
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  receive_count INTEGER NOT NULL,
  reason TEXT NOT NULL,
  moved_at INTEGER NOT NULL
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
  options: { readonly busyTimeoutMs?: number; readonly clock?: Clock } = {},
): SqliteJournal {
  const clock = options.clock ?? systemClock;
  const { db, immediate } = openDatabase(path, options.busyTimeoutMs ?? 5_000);
  db.exec(SCHEMA);
  // Dead letters are kept beside the queue, so that `redrive` in another process finds them.
  const setAside = db.prepare(
    "INSERT OR REPLACE INTO local_dead_letters (id, body, receive_count, reason, moved_at) SELECT id, body, receive_count, ?, ? FROM local_queue WHERE id = ?",
  );
  const listDead: StatementSync = db.prepare(
    "SELECT id, body, receive_count, reason, moved_at FROM local_dead_letters ORDER BY moved_at, id",
  );
  const putBack = db.prepare(
    "INSERT OR IGNORE INTO local_queue (id, body, available_at, receive_count) SELECT id, body, ?, 0 FROM local_dead_letters WHERE id = ?",
  );
  const forgetDead = db.prepare("DELETE FROM local_dead_letters WHERE id = ?");
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
    deadLetter(id, reason) {
      immediate(() => {
        setAside.run(reason, clock.now().getTime(), id);
        remove.run(id);
      });
    },
    deadLetters() {
      return listDead.all().map((row) => ({
        id: String(row.id),
        body: String(row.body),
        receiveCount: Number(row.receive_count),
        reason: String(row.reason),
        movedAt: Number(row.moved_at),
      }));
    },
    requeue(ids, availableAt) {
      const moved: string[] = [];
      immediate(() => {
        for (const id of ids) {
          if (Number(putBack.run(availableAt, id).changes) === 0) continue;
          forgetDead.run(id);
          moved.push(id);
        }
      });
      return moved;
    },
    close: () => db.close(),
  };
}

/**
 * The journal's dead letters as a {@link DeadLetterQueue}, for `redrive` in local mode: moving
 * one back puts it on the journal's queue, where a running `dev` on the file takes it up.
 * Nothing is hidden between processes: a message received here is only withheld from this
 * queue's next receives until it is moved or released.
 *
 * @example
 * const result = await redrive({ store }, journalDeadLetterQueue(journal));
 */
export function journalDeadLetterQueue(
  journal: SqliteJournal,
  clock: Clock = systemClock,
): DeadLetterQueue {
  const handedOut = new Set<string>();
  return {
    async receive(max) {
      const letters = journal
        .deadLetters()
        .filter((letter) => !handedOut.has(letter.id))
        .slice(0, Math.max(1, Math.min(10, max)));
      for (const letter of letters) handedOut.add(letter.id);
      return letters.map((letter) => ({
        messageId: letter.id,
        body: letter.body,
        attributes: {},
        receiveCount: letter.receiveCount,
        receipt: letter.id,
      }));
    },
    async moveBack(letters) {
      const ids = letters.map((letter) => letter.messageId);
      const moved = new Set(journal.requeue(ids, clock.now().getTime()));
      return {
        moved: ids.filter((id) => moved.has(id)),
        failed: ids
          .filter((id) => !moved.has(id))
          .map((messageId) => ({
            messageId,
            error: new Error("gone from the journal's dead letters, or already queued"),
          })),
      };
    },
    async release(letters) {
      for (const letter of letters) handedOut.delete(letter.messageId);
    },
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
