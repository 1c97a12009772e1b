/**
 * Write requests issued in one turn of the event loop, committed in one transaction. The tick
 * issues up to 64 claims at once, and the local runner starts and finishes many runs at once:
 * one `BEGIN IMMEDIATE … COMMIT` (one fsync of the WAL) for all of them instead of one each.
 *
 * Each request still stands alone: it runs inside its own SAVEPOINT, so one that throws (a lost
 * condition, a SQLite error) undoes only its own writes and is answered with its own error,
 * while the others commit. Only a failure of the transaction itself (BEGIN or COMMIT, e.g. the
 * busy timeout passing while another process holds the lock) fails every request of the batch.
 * No request is answered before its batch has committed.
 */
import type { Connection } from "./connection.js";
import { guard } from "./connection.js";

export interface WriteBatcher {
  /** Runs `body` in the next batch's transaction; it must be synchronous. */
  submit<T>(operation: string, body: () => T): Promise<T>;
  /** Commits what is queued now, without waiting for the event loop (before closing). */
  flush(): void;
}

interface Request {
  readonly operation: string;
  readonly body: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown };

export function createWriteBatcher(connection: Connection): WriteBatcher {
  let queue: Request[] = [];
  let scheduled = false;

  function runOne(request: Request): Outcome {
    const { db } = connection;
    db.exec("SAVEPOINT request");
    try {
      const value = guard(request.operation, request.body);
      db.exec("RELEASE request");
      return { ok: true, value };
    } catch (error) {
      // Undo this request's writes only. Should that fail, the throw leaves the transaction,
      // which then rolls back as a whole and fails every request of the batch.
      db.exec("ROLLBACK TO request");
      db.exec("RELEASE request");
      return { ok: false, error };
    }
  }

  function flush(): void {
    scheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    let outcomes: Outcome[];
    try {
      outcomes = guard("write batch", () => connection.immediate(() => batch.map(runOne)));
    } catch (error) {
      for (const request of batch) request.reject(error);
      return;
    }
    batch.forEach((request, index) => {
      const outcome = outcomes[index] as Outcome;
      if (outcome.ok) request.resolve(outcome.value);
      else request.reject(outcome.error);
    });
  }

  return {
    submit<T>(operation: string, body: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ operation, body, resolve: resolve as (value: unknown) => void, reject });
        if (!scheduled) {
          scheduled = true;
          // After the I/O callbacks of this turn: every request issued by them joins the batch.
          setImmediate(flush);
        }
      });
    },
    flush,
  };
}
