/**
 * Local mode's summary line: the figures the Lambdas publish as metrics, printed periodically
 * and at stop.
 */
import { describe, expect, it } from "vitest";
import { createSchedule } from "../../src/control/index.js";
import type { RunFigures } from "../../src/figures.js";
import { startLocalScheduler } from "../../src/local/index.js";
import { formatSummaryLine } from "../../src/local/output.js";
import { defineJob } from "../../src/registry/define.js";
import { registryJobs } from "../../src/registry/registry.js";
import { createMemoryStore } from "../../src/store/memory.js";

defineJob({ name: "summary-ok", handler: () => {} });
defineJob({
  name: "summary-broken",
  retry: { attempts: 1 },
  handler: () => {
    throw new Error("disk full");
  },
});

const FROM = Date.parse("2026-01-05T10:00:00Z");

describe("formatSummaryLine", () => {
  const runs: RunFigures = new Map([
    [
      "hello",
      {
        started: 2,
        succeeded: 1,
        failed: 1,
        retried: 0,
        latenessMs: [2, 6],
        durationMs: [3, 5],
      },
    ],
  ]);
  const period = {
    from: FROM,
    to: FROM + 60_000,
    ticks: 60,
    tick: {
      due: 2,
      claimed: 2,
      dispatched: 2,
      backlog: 0,
      lost: 0,
      failed: 0,
      durationMs: 120,
      oldestDueLatenessMs: 4,
    },
    runs,
  };

  it("shows the tick's figures and each job's runs on one line", () => {
    expect(formatSummaryLine(period)).toBe(
      "10:01:00.000 stats 60 s, 60 ticks: due 2, claimed 2, dispatched 2, backlog 0, lost 0, failed 0, oldest due 4 ms late; " +
        "hello: started 2, succeeded 1, failed 1, retried 0, late 4/6 ms (mean/max), ran 4/5 ms (mean/max)",
    );
  });

  it("writes one JSON object for scripts", () => {
    expect(JSON.parse(formatSummaryLine(period, "json"))).toEqual({
      type: "summary",
      at: "2026-01-05T10:01:00.000Z",
      periodMs: 60_000,
      ticks: 60,
      tick: period.tick,
      jobs: {
        hello: {
          started: 2,
          succeeded: 1,
          failed: 1,
          retried: 0,
          latenessMs: { mean: 4, max: 6 },
          durationMs: { mean: 4, max: 5 },
        },
      },
    });
  });

  it("shows zeros for a period without ticks", () => {
    expect(
      formatSummaryLine({ from: FROM, to: FROM, ticks: 0, tick: undefined, runs: new Map() }),
    ).toBe(
      "10:00:00.000 stats 0 s, 0 ticks: due 0, claimed 0, dispatched 0, backlog 0, lost 0, failed 0",
    );
  });
});

describe("the local scheduler's summary", () => {
  it("prints the figures of one success and one failure at stop", async () => {
    const store = createMemoryStore();
    for (const job of ["summary-ok", "summary-broken"]) {
      await createSchedule(
        { id: job, job, expression: "rate(1 hour)", payload: {} },
        { store, jobs: registryJobs },
      );
    }
    const lines: string[] = [];
    const scheduler = startLocalScheduler({
      store,
      write: (line) => lines.push(line),
      maxSleepMs: 50,
    });
    const deadline = Date.now() + 3_000;
    while (lines.filter((line) => / run /.test(line)).length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await scheduler.stop();

    const summaries = lines.filter((line) => line.includes(" stats "));
    expect(summaries).toHaveLength(1);
    const [summary] = summaries;
    expect(summary).toMatch(/ticks: due 2, claimed 2, dispatched 2, backlog 0, lost 0, failed 0/);
    expect(summary).toMatch(/summary-ok: started 1, succeeded 1, failed 0, retried 0, late \d+/);
    expect(summary).toMatch(/summary-broken: started 1, succeeded 0, failed 1, retried 0/);
  });

  it("prints one every period, and none when turned off", async () => {
    const lines: string[] = [];
    const scheduler = startLocalScheduler({
      store: createMemoryStore(),
      write: (line) => lines.push(line),
      maxSleepMs: 20,
      summaryEveryMs: 100,
    });
    await new Promise((resolve) => setTimeout(resolve, 450));
    await scheduler.stop();
    expect(lines.filter((line) => line.includes(" stats ")).length).toBeGreaterThanOrEqual(3);

    const quiet: string[] = [];
    const off = startLocalScheduler({
      store: createMemoryStore(),
      write: (line) => quiet.push(line),
      maxSleepMs: 20,
      summaryEveryMs: 0,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await off.stop();
    expect(quiet.filter((line) => line.includes(" stats "))).toEqual([]);
  });
});
