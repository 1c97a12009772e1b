import { describe, expect, it } from "vitest";
import { createSchedule, REDRIVE_OUTCOME, redrive, runNow } from "../../src/control/index.js";
import {
  journalDeadLetterQueue,
  journalDispatcher,
  openSqliteJournal,
  startLocalScheduler,
} from "../../src/local/index.js";
import { defineJob } from "../../src/registry/define.js";
import { registryJobs } from "../../src/registry/registry.js";
import { createSqliteStore } from "../../src/store/sqlite/store.js";
import { until, useLocalFile } from "./local-file.js";

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

const file = useLocalFile("local-redrive-");

describe("redrive in local mode", () => {
  it("brings a dead-lettered run back from the file's journal, and it runs to SUCCEEDED", async () => {
    const store = createSqliteStore({ path: file.path() });
    const journal = openSqliteJournal(file.path());
    const scheduler = startLocalScheduler({ store, journal, write: () => {}, maxSleepMs: 100 });
    file.keep({ store, journal, scheduler });

    // The CLI's side: its own connections to the same file.
    const cliStore = createSqliteStore({ path: file.path() });
    const cliJournal = openSqliteJournal(file.path());
    file.keep({ store: cliStore, journal: cliJournal });
    await createSchedule(
      { id: "flaky", job: "local-flaky", expression: "0 0 1 1 *", firstRun: "scheduled" },
      { store: cliStore, jobs: registryJobs },
    );
    const { run } = await runNow("flaky", {
      store: cliStore,
      dispatcher: journalDispatcher(cliJournal),
    });
    // The failed run's message is dead-lettered after its receives, each a few ticks apart.
    await until(() => cliJournal.deadLetters().length === 1, 8_000);
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
      8_000,
    );
    expect(await cliStore.getRun("flaky", run.scheduledAt)).toMatchObject({
      runId: run.runId,
      status: "SUCCEEDED",
      result: { served: true },
    });
  });
});
