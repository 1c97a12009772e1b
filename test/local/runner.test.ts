import { describe, expect, it } from "vitest";
import { createSchedule, runNow } from "../../src/control/index.js";
import {
  journalDispatcher,
  type LocalScheduler,
  openSqliteJournal,
  startLocalScheduler,
} from "../../src/local/index.js";
import { defineJob } from "../../src/registry/define.js";
import { registryJobs } from "../../src/registry/registry.js";
import { createSqliteStore } from "../../src/store/sqlite/store.js";
import { type Opened, until, useLocalFile } from "./local-file.js";

const calls: { name: unknown; runId: string }[] = [];
defineJob({
  name: "local-hello",
  handler(payload: unknown, ctx) {
    calls.push({ name: (payload as { name?: unknown }).name, runId: ctx.runId });
    ctx.logger.info(`hello ${String((payload as { name?: unknown }).name)}`);
  },
});
defineJob({
  name: "local-slow",
  async handler(_payload, ctx) {
    await new Promise((resolve) => setTimeout(resolve, 400));
    calls.push({ name: "slow", runId: ctx.runId });
  },
});

/** Runs of "local-one-at-a-time" wait while `held` is set: a long run, ended by the test. */
let held: Promise<void> | undefined;
defineJob({
  name: "local-one-at-a-time",
  overlap: "buffer-one",
  timeoutSeconds: 60,
  async handler() {
    await held;
  },
});

const file = useLocalFile("local-runner-");

function start(lines: string[]): Opened & { scheduler: LocalScheduler } {
  const store = createSqliteStore({ path: file.path() });
  const journal = openSqliteJournal(file.path());
  const scheduler = startLocalScheduler({
    store,
    journal,
    write: (line) => lines.push(line),
    maxSleepMs: 200,
  });
  const opened = { store, journal, scheduler };
  file.keep(opened);
  return opened;
}

/**
 * A schedule not due for months with a run-now queued in the file's journal; the caller closes
 * both, as a stopped process would.
 */
async function leaveRunNow(id: string, name: string) {
  const store = createSqliteStore({ path: file.path() });
  const journal = openSqliteJournal(file.path());
  await createSchedule(
    { id, job: "local-hello", expression: "0 0 1 1 *", firstRun: "scheduled", payload: { name } },
    { store, jobs: registryJobs },
  );
  const { run } = await runNow(id, { store, dispatcher: journalDispatcher(journal) });
  return { store, journal, run };
}

const runLines = (lines: readonly string[], id: string) =>
  lines.filter((line) => line.includes(` run   ${id} `));

describe("local mode", () => {
  it("under overlap buffer-one, holds one run while a long one goes on and starts it when that one ends", async () => {
    let release = (): void => {};
    held = new Promise((resolve) => {
      release = resolve;
    });
    const { store } = start([]);
    await createSchedule(
      { id: "one-at-a-time", job: "local-one-at-a-time", expression: "rate(1 second)" },
      { store, jobs: registryJobs },
    );
    const runs = async () => (await store.listRuns("one-at-a-time", { limit: 100 })).items;
    await until(async () => {
      const statuses = (await runs()).map((run) => run.status);
      return statuses.includes("BUFFERED") && statuses.includes("SKIPPED");
    });
    const waiting = (await runs()).find((run) => run.status === "BUFFERED");
    held = undefined;
    release();
    await until(async () =>
      (await runs()).some((run) => run.runId === waiting?.runId && run.status === "SUCCEEDED"),
    );
    // Never two at once: each run that ran started after the one before it finished.
    const ran = (await runs())
      .filter((run) => run.startedAt !== undefined && run.finishedAt !== undefined)
      .sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0));
    for (const [before, after] of ran.slice(1).map((run, i) => [ran[i], run] as const)) {
      expect(after.startedAt).toBeGreaterThanOrEqual(
        before?.finishedAt ?? Number.POSITIVE_INFINITY,
      );
    }
    expect(ran.length).toBeGreaterThanOrEqual(2);
  });

  it("runs a schedule within the second, logging one line per run", async () => {
    const lines: string[] = [];
    const { store } = start(lines);
    await createSchedule(
      { id: "greet", job: "local-hello", expression: "rate(1 second)", payload: { name: "Ada" } },
      { store, jobs: registryJobs },
    );
    await until(() => runLines(lines, "greet").length >= 2);
    const [first] = runLines(lines, "greet");
    expect(first).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} run {3}greet local-hello \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z SUCCEEDED \d+ ms, \d+ ms late$/,
    );
    expect(lines.some((line) => line.includes("[local-hello] hello Ada"))).toBe(true);
    const { items } = await store.listRuns("greet");
    expect(items.filter((run) => run.status === "SUCCEEDED").length).toBeGreaterThanOrEqual(2);
  });

  it("survives a restart: the schedule continues on its grid from the same file", async () => {
    const lines: string[] = [];
    const first = start(lines);
    await createSchedule(
      { id: "greet", job: "local-hello", expression: "rate(1 second)", payload: { name: "Ada" } },
      { store: first.store, jobs: registryJobs },
    );
    await until(() => runLines(lines, "greet").length >= 1);
    await file.close(first);
    const before = lines.length;

    const second = start(lines);
    await until(() => runLines(lines.slice(before), "greet").length >= 1);
    const { items } = await second.store.listRuns("greet", { limit: 100 });
    expect(new Set(items.map((run) => run.runId)).size).toBe(items.length);
    expect(items.every((run) => run.scheduledAt % 1_000 === 0)).toBe(true);
    expect((await second.store.getSchedule("greet"))?.runCount).toBe(items.length);
  });

  it("on start, runs what a previous process left queued", async () => {
    const { store, journal, run } = await leaveRunNow("later", "Grace");
    journal.close();
    await store.close();

    const lines: string[] = [];
    const restarted = start(lines);
    await until(() => runLines(lines, "later").length >= 1);
    expect((await restarted.store.getRun("later", run.scheduledAt))?.status).toBe("SUCCEEDED");
    expect(runLines(lines, "later")[0]).toContain("(manual) SUCCEEDED");
  });

  it("on start, gives a run a previous process left RETRYING its next attempt", async () => {
    const { store, journal, run } = await leaveRunNow("flaky", "Ada");
    // The first attempt failed and its retry was waiting in the queue when the process stopped.
    await store.updateRun(
      "flaky",
      run.scheduledAt,
      { status: "RETRYING", attempt: 1, startedAt: run.createdAt },
      { expect: ["DISPATCHED"] },
    );
    const [queued] = journal.load();
    journal.update(queued?.id ?? "", 1, 0);
    journal.close();
    await store.close();

    const lines: string[] = [];
    const restarted = start(lines);
    await until(() => runLines(lines, "flaky").length >= 1);
    expect(await restarted.store.getRun("flaky", run.scheduledAt)).toMatchObject({
      status: "SUCCEEDED",
      attempt: 2,
    });
    expect(calls.filter((call) => call.runId === run.runId)).toHaveLength(1);
  });

  it("runs a run-now that another process queued while it runs", async () => {
    const lines: string[] = [];
    start(lines);
    const { store, journal, run } = await leaveRunNow("handed-over", "Ada");
    journal.close();
    await store.close();
    await until(() => runLines(lines, "handed-over").length >= 1);
    expect(calls.filter((call) => call.runId === run.runId)).toHaveLength(1);
  });

  it("survives a queued message it cannot decode: dead-letters it, says why, and runs the rest", async () => {
    const journal = openSqliteJournal(file.path());
    journal.add([{ id: "poison", body: "{not json", availableAt: 0, receiveCount: 0 }]);
    journal.close();
    const lines: string[] = [];
    const { store, scheduler } = start(lines);
    await createSchedule(
      { id: "greet", job: "local-hello", expression: "rate(1 second)", payload: { name: "Ada" } },
      { store, jobs: registryJobs },
    );
    scheduler.wake();
    await until(() => runLines(lines, "greet").length >= 1);
    expect(
      lines.some((line) =>
        line.includes("message poison is not a run this code can read; dead-lettered"),
      ),
    ).toBe(true);
    expect(scheduler.dispatcher.deadLetters.map((letter) => letter.messageId)).toEqual(["poison"]);
  });

  it("survives a schedule whose job name the envelope decoder refuses", async () => {
    const lines: string[] = [];
    const { store, scheduler } = start(lines);
    const createdAt = Date.now();
    await store.createSchedule({
      id: "bad-name",
      job: "no such job!",
      expression: "rate(1 hour)",
      timezone: "UTC",
      payload: null,
      state: "ENABLED",
      firstRun: "immediate",
      catchUp: "latest",
      precise: false,
      runCount: 0,
      nextRunAt: createdAt,
      dueAt: createdAt,
      createdAt,
    });
    await createSchedule(
      { id: "greet", job: "local-hello", expression: "rate(1 second)", payload: { name: "Ada" } },
      { store, jobs: registryJobs },
    );
    scheduler.wake();
    await until(() => scheduler.dispatcher.deadLetters.length >= 1);
    await until(() => runLines(lines, "greet").length >= 1);
    expect(lines.some((line) => line.includes("dead-lettered"))).toBe(true);
  });

  it("lets a run in progress finish when stopped", async () => {
    const lines: string[] = [];
    const { store, scheduler } = start(lines);
    await createSchedule(
      { id: "slow", job: "local-slow", expression: "rate(1 hour)" },
      { store, jobs: registryJobs },
    );
    await until(async () => (await store.listRuns("slow")).items[0]?.status === "RUNNING");
    await scheduler.stop();
    const [run] = (await store.listRuns("slow")).items;
    expect(run?.status).toBe("SUCCEEDED");
  });
});
