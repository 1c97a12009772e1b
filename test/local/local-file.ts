/**
 * Local mode's tests on a real SQLite file: a fresh file for each test, and the connections and
 * schedulers a test opens on it, stopped and closed after it before the file is removed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import type { LocalScheduler, SqliteJournal } from "../../src/local/index.js";
import type { ScheduleStore } from "../../src/store/types.js";

/** What a test opened on the file, as one process would hold it. */
export interface Opened {
  readonly store: ScheduleStore;
  readonly journal: SqliteJournal;
  readonly scheduler?: LocalScheduler;
}

/** The running test's file, and what to close after it. */
export interface LocalFile {
  readonly path: () => string;
  /** Closes `opened` after the test: its scheduler stopped first, as a stopping process does. */
  keep(opened: Opened): void;
  /** Closes `opened` now (a process stopping mid-test), if it was kept. */
  close(opened: Opened): Promise<void>;
}

async function closeAll({ store, journal, scheduler }: Opened): Promise<void> {
  await scheduler?.stop();
  journal.close();
  await store.close();
}

/** Registers the hooks that give each test of the file `prefix` a fresh SQLite file. */
export function useLocalFile(prefix: string): LocalFile {
  let dir = "";
  const kept: Opened[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    for (const opened of kept.splice(0)) await closeAll(opened);
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    path: () => join(dir, "dev.sqlite"),
    keep: (opened) => void kept.push(opened),
    close: async (opened) => {
      const at = kept.indexOf(opened);
      if (at === -1) return;
      kept.splice(at, 1);
      await closeAll(opened);
    },
  };
}

/** Waits (real time, in 20 ms steps) until `condition` holds; throws after `ms`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  ms = 4_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
