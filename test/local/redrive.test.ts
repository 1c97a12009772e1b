/**
 * Redrive in local mode, on a SQLite file with real timers: `dev` keeps a run's dead-lettered
 * message in the file's journal; redrive, from another connection as the CLI would, moves it
 * back and reconciles the FAILED run, and the running scheduler takes it up and runs it to
 * SUCCEEDED.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSchedule, REDRIVE_OUTCOME, redrive, runNow } from "../../src/control/index.js";
import {
  journalDeadLetterQueue,
  journalDispatcher,
  type LocalScheduler,
  openSqliteJournal,
  type SqliteJournal,
  startLocalScheduler,
} from "../../src/local/index.js";
import { defineJob } from "../../src/registry/define.js";
import { registryJobs } from "../../src/registry/registry.js";
import { createSqliteStore } from "../../src/store/sqlite/store.js";
import type { ScheduleStore } from "../../src/store/types.js";

/** Fails until told otherwise, as a job does while what it calls is down. */
const downstream = { up: false };
defineJob({
  name: "local-flaky",
  retry: { attempts: 1 },
  handler() {
    if (!downstream.up) throw new Error("the downstream service is down");
    return { served: true };
  },
});

let dir: string;
let path: string;
const open: { store: ScheduleStore; journal: SqliteJournal; scheduler?: LocalScheduler }[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "local-redrive-"));
  path = join(dir, "dev.sqlite");
});

afterEach(async () => {
  for (const { store, journal, scheduler } of open.splice(0)) {
    await scheduler?.stop();
    journal.close();
    await store.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

async function until(condition: () => boolean | Promise<boolean>, ms = 8_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("redrive in local mode", () => {
  it("brings a dead-lettered run back from the file's journal, and it runs to SUCCEEDED", async () => {
    const store = createSqliteStore({ path });
    const journal = openSqliteJournal(path);
    const scheduler = startLocalScheduler({ store, journal, write: () => {}, maxSleepMs: 100 });
    open.push({ store, journal, scheduler });

    // The CLI's side: its own connections to the same file.
    const cliStore = createSqliteStore({ path });
    const cliJournal = openSqliteJournal(path);
    open.push({ store: cliStore, journal: cliJournal });
    await createSchedule(
      { id: "flaky", job: "local-flaky", expression: "0 0 1 1 *", firstRun: "scheduled" },
      { store: cliStore, jobs: registryJobs },
    );
    const { run } = await runNow("flaky", {
      store: cliStore,
      dispatcher: journalDispatcher(cliJournal),
    });
    await until(() => cliJournal.deadLetters().length === 1);
    expect(await cliStore.getRun("flaky", run.scheduledAt)).toMatchObject({ status: "FAILED" });
    expect(cliJournal.deadLetters()[0]?.reason).toContain("already FAILED");

    const dry = await redrive({ store: cliStore }, journalDeadLetterQueue(cliJournal), {
      dryRun: true,
    });
    expect(dry).toMatchObject({ moved: 0, reconciled: 1, left: 1 });
    expect(dry.items[0]).toMatchObject({ outcome: REDRIVE_OUTCOME.wouldMove, runId: run.runId });
    expect(cliJournal.deadLetters()).toHaveLength(1);

    downstream.up = true;
    const result = await redrive({ store: cliStore }, journalDeadLetterQueue(cliJournal));
    expect(result).toMatchObject({ moved: 1, reconciled: 1, left: 0 });
    expect(cliJournal.deadLetters()).toEqual([]);
    await until(
      async () => (await cliStore.getRun("flaky", run.scheduledAt))?.status === "SUCCEEDED",
    );
    expect(await cliStore.getRun("flaky", run.scheduledAt)).toMatchObject({
      runId: run.runId,
      status: "SUCCEEDED",
      result: { served: true },
    });
  });
});
