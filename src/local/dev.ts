/**
 * `lambda-scheduler dev` without its command-line parsing: load the jobs, open the SQLite
 * store, seed it if empty, and run the local scheduler until told to stop.
 */

import { previewRuns } from "../control/runs.js";
import { registryJobs } from "../registry/registry.js";
import { createSqliteStore } from "../store/sqlite/store.js";
import { openSqliteJournal } from "./journal.js";
import { loadJobs } from "./load-jobs.js";
import type { LineFormat } from "./output.js";
import { startLocalScheduler } from "./runner.js";
import { seedSchedules } from "./seed.js";

/** Options of {@link runDev}. */
export interface DevOptions {
  /** The jobs module (.ts or .js) whose imports define the jobs. */
  readonly jobs: string;
  /** SQLite file of schedules (the CLI passes the one its other commands use). */
  readonly db: string;
  /** JSON-lines file of schedules, applied only when the store is empty. */
  readonly seed?: string;
  /** Stops the scheduler when aborted (the command wires SIGINT and SIGTERM to it). */
  readonly signal?: AbortSignal;
  /** Output lines. Default: standard output. */
  readonly write?: (line: string) => void;
  /**
   * `json`: run and log lines are JSON objects on `write`, and the progress lines (jobs loaded,
   * seeding, schedules, stopping) go to `note` instead, so `write` carries JSON only.
   */
  readonly format?: LineFormat;
  /** Progress lines. Default: `write`. */
  readonly note?: (line: string) => void;
  /** Longest sleep between two looks at the store, in ms. Default 1000. */
  readonly maxSleepMs?: number;
  /**
   * Also serve the web dashboard on this store, run now going through this scheduler's queue
   * (port 0: any free port). Its address is printed as a progress line.
   */
  readonly ui?: {
    readonly port: number;
    /** When `port` is taken, take any free one (and say so) rather than fail. Default false. */
    readonly orAnyFreePort?: boolean;
    readonly host?: string;
    /** The dashboard's built page; default: the package's (tests pass one built from source). */
    readonly assetsDir?: string;
  };
}

/**
 * Runs local mode until `signal` aborts, then lets runs in progress finish and closes the
 * store. Schedules survive restarts in the SQLite file; what was missed meanwhile follows each
 * schedule's catch-up policy.
 *
 * @example
 * const controller = new AbortController();
 * process.once("SIGINT", () => controller.abort());
 * await runDev({ jobs: "examples/index.ts", db: ".lambda-scheduler/schedules.db", signal: controller.signal });
 */
export async function runDev(options: DevOptions): Promise<void> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const note = options.note ?? write;
  const jobs = await loadJobs(options.jobs);
  note(
    `jobs: ${jobs.map((job) => job.name).join(", ") || "(none: does the module call defineJob?)"}`,
  );
  const { db } = options;
  const store = createSqliteStore({ path: db });
  // The queue's messages live in the same file: a run sent before a stop runs after the restart.
  const journal = openSqliteJournal(db);
  try {
    if (options.seed !== undefined) {
      const seeded = await seedSchedules(store, options.seed, { jobs: registryJobs });
      note(
        seeded.applied
          ? `seeded ${seeded.schedules.length} schedule(s) from ${options.seed}`
          : `store ${db} already has schedules; seed ${options.seed} not applied`,
      );
    }
    const { items } = await store.listSchedules({ limit: 20 });
    for (const schedule of items) {
      const [next] = await previewRuns(schedule.id, 1, { store });
      const when = next === undefined ? schedule.state : `next ${next.scheduledAt.toISOString()}`;
      note(`schedule ${schedule.id}: ${schedule.job} on ${schedule.expression} (${when})`);
    }
    if (options.signal?.aborted) return;
    const scheduler = startLocalScheduler({
      store,
      journal,
      write,
      ...(options.format === undefined ? {} : { format: options.format }),
      ...(options.maxSleepMs === undefined ? {} : { maxSleepMs: options.maxSleepMs }),
    });
    note(`local scheduler running on ${db}; Ctrl-C stops it`);
    const stop = (): void => {
      note("stopping: letting runs in progress finish…");
      void scheduler.stop();
    };
    options.signal?.addEventListener("abort", stop, { once: true });
    let dashboard: { readonly url: string; close(): Promise<void> } | undefined;
    if (options.ui !== undefined) {
      try {
        // Loaded only when asked for: local mode without the dashboard does not pay for it.
        const { startDashboard } = await import("../ui/server.js");
        const { ui } = options;
        const serve = (port: number) =>
          startDashboard({
            store,
            storeLabel: `local mode, SQLite ${db}`,
            dispatcher: scheduler.dispatcher,
            runNowNote: "run by this local scheduler",
            port,
            ...(ui.host === undefined ? {} : { host: ui.host }),
            ...(ui.assetsDir === undefined ? {} : { assetsDir: ui.assetsDir }),
            onError: (error) =>
              note(`dashboard: ${error instanceof Error ? error.message : String(error)}`),
          });
        try {
          dashboard = await serve(ui.port);
        } catch (error) {
          const taken = (error as Error)?.cause as NodeJS.ErrnoException | undefined;
          if (ui.orAnyFreePort !== true || taken?.code !== "EADDRINUSE") throw error;
          // A second `npm start`, or another program on the default port.
          note(`dashboard: port ${ui.port} is in use; serving on a free port instead`);
          dashboard = await serve(0);
        }
      } catch (error) {
        // E.g. its port is taken: stop the scheduler cleanly before saying so.
        options.signal?.removeEventListener("abort", stop);
        await scheduler.stop();
        throw error;
      }
      note(`dashboard: ${dashboard.url}`);
    }
    try {
      await scheduler.stopped;
    } finally {
      await dashboard?.close();
      options.signal?.removeEventListener("abort", stop);
    }
  } finally {
    journal.close();
    await store.close();
  }
}
