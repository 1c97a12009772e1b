// Local mode (the runner `lambda-scheduler dev` starts: SQLite store, in-process queue, invoke
// core) against BullMQ job schedulers on Redis, on this machine, with the same no-op job:
// (a) 10,000 schedules every second, (b) 5,000 runs due at one instant. Every part stops itself
// within a fixed time and cleans up (runner, store file, workers, queues, redis-server).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Queue, Worker } from "bullmq";
import { createSchedule, defineJob } from "../dist/lib/index.js";
import { createSqliteStore, startLocalScheduler } from "./support/internals.mjs";
import { machineLoad } from "./support/measure.mjs";
import { redisInstalled, startRedis } from "./support/redis.mjs";

const JOB = "bench-local";
const EVERY_SECOND = 10_000;
const WARMUP_MS = 5_000;
const WINDOW_MS = 20_000;
const BURST = 5_000;
/** How long a burst may take before the run stops and reports what started. */
const BURST_CAP_MS = 30_000;
/** BullMQ Worker concurrency: the most jobs it runs at once (BENCH_BULLMQ_CONCURRENCY overrides). */
const BULL_CONCURRENCY = Number(process.env.BENCH_BULLMQ_CONCURRENCY ?? 100);
const STOP_CAP_MS = 20_000;

/** Where job starts go: [start, scheduled] pairs, epoch ms; swapped per run. */
let record = () => undefined;
defineJob({
  name: JOB,
  handler: (_payload, context) => {
    record(Date.now(), context.scheduledAt.getTime());
  },
});

function recorder() {
  const starts = [];
  const scheduled = [];
  record = (at, due) => {
    starts.push(at);
    scheduled.push(due);
  };
  return { starts, scheduled };
}

const quiet = () => {
  record = () => undefined;
};

/** Resolves with `promise`, or after `ms` with undefined; never rejects. */
async function within(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    return await Promise.race([promise.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const percentile = (sorted, p) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

/** Runs per second and lateness of the starts inside [from, to). */
function windowStats({ starts, scheduled }, from, to) {
  const lateness = [];
  for (let i = 0; i < starts.length; i++) {
    if (starts[i] >= from && starts[i] < to) lateness.push(starts[i] - scheduled[i]);
  }
  lateness.sort((a, b) => a - b);
  return {
    runsPerSecond: lateness.length / ((to - from) / 1000),
    p50: percentile(lateness, 0.5),
    p99: percentile(lateness, 0.99),
  };
}

/** First and last start of a burst due at `dueAt`, and runs per second from the due instant. */
function burstStats({ starts }, dueAt, expected) {
  const sorted = [...starts].sort((a, b) => a - b);
  const last = sorted.at(-1);
  return {
    started: sorted.length,
    expected,
    first: sorted.length === 0 ? Number.NaN : sorted[0] - dueAt,
    last: sorted.length === 0 ? Number.NaN : last - dueAt,
    runsPerSecond: sorted.length === 0 ? 0 : sorted.length / (Math.max(1, last - dueAt) / 1000),
  };
}

/** Waits until `count` starts are recorded or `capMs` has passed. */
async function waitForStarts(recorded, count, capMs) {
  const until = Date.now() + capMs;
  while (recorded.starts.length < count && Date.now() < until) await sleep(50);
}

// --- lambda-scheduler local mode ----------------------------------------------------------

/** Runs `body(store)` on a fresh SQLite file, with the local runner started by `body`. */
async function withSqlite(body) {
  const dir = mkdtempSync(join(tmpdir(), "bench-local-"));
  const store = createSqliteStore({ path: join(dir, "schedules.db") });
  try {
    return await body(store);
  } finally {
    quiet();
    await within(store.close(), STOP_CAP_MS);
    rmSync(dir, { recursive: true, force: true });
  }
}

const startRunner = (store) =>
  startLocalScheduler({ store, write: () => undefined, logLevel: "error" });

async function localEverySecond() {
  return withSqlite(async (store) => {
    // Anchored on a whole second: all 10,000 are due together at every second, as BullMQ's are.
    const anchor = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    for (let i = 0; i < EVERY_SECOND; i++) {
      await createSchedule(
        {
          id: `every-${i}`,
          job: JOB,
          expression: "rate(1 second)",
          startAt: anchor,
          firstRun: "scheduled",
        },
        { store },
      );
    }
    const recorded = recorder();
    const runner = startRunner(store);
    try {
      await sleep(WARMUP_MS);
      const from = Date.now();
      await sleep(WINDOW_MS);
      return windowStats(recorded, from, Date.now());
    } finally {
      quiet();
      await within(runner.stop(), STOP_CAP_MS);
    }
  });
}

async function localBurst() {
  return withSqlite(async (store) => {
    const dueAt = Math.ceil((Date.now() + 4_000) / 1000) * 1000;
    let nextRunAt;
    for (let i = 0; i < BURST; i++) {
      const { schedule } = await createSchedule(
        {
          id: `burst-${i}`,
          job: JOB,
          expression: "rate(1 day)",
          startAt: dueAt,
          firstRun: "scheduled",
        },
        { store },
      );
      nextRunAt = schedule.nextRunAt;
    }
    const recorded = recorder();
    const runner = startRunner(store);
    try {
      await sleep(Math.max(0, nextRunAt - Date.now()));
      await waitForStarts(recorded, BURST, BURST_CAP_MS);
      return burstStats(recorded, nextRunAt, BURST);
    } finally {
      quiet();
      await within(runner.stop(), STOP_CAP_MS);
    }
  });
}

// --- BullMQ --------------------------------------------------------------------------------

/** The scheduled instant of a BullMQ job: `data.dueAt`, else the millis in a scheduler job id. */
function scheduledOf(job) {
  if (typeof job.data?.dueAt === "number") return job.data.dueAt;
  const id = String(job.id);
  return Number(id.slice(id.lastIndexOf(":") + 1));
}

async function withQueue(redis, name, body) {
  const connection = { host: redis.host, port: redis.port, maxRetriesPerRequest: null };
  const queue = new Queue(name, { connection });
  queue.on("error", () => undefined);
  let worker;
  const startWorker = () => {
    worker = new Worker(
      name,
      async (job) => {
        record(Date.now(), scheduledOf(job));
      },
      { connection, concurrency: BULL_CONCURRENCY },
    );
    // An 'error' event without a listener would throw; a failing side shows as missing starts.
    worker.on("error", () => undefined);
    return worker;
  };
  try {
    return await body(queue, startWorker);
  } finally {
    quiet();
    if (worker !== undefined) await within(worker.close(), STOP_CAP_MS);
    await within(queue.close(), STOP_CAP_MS);
  }
}

async function bullEverySecond(redis) {
  return withQueue(redis, "bench-every", async (queue, startWorker) => {
    // Upserting 10,000 schedulers takes seconds: start them all on one later whole second.
    const first = Math.ceil((Date.now() + 10_000) / 1000) * 1000;
    for (let i = 0; i < EVERY_SECOND; i += 200) {
      await Promise.all(
        Array.from({ length: Math.min(200, EVERY_SECOND - i) }, (_, j) =>
          queue.upsertJobScheduler(
            `every-${i + j}`,
            { every: 1_000, startDate: first },
            { name: JOB, data: {} },
          ),
        ),
      );
    }
    const lateStart = Date.now() > first;
    const recorded = recorder();
    startWorker();
    await sleep(Math.max(0, first - Date.now()) + WARMUP_MS);
    const from = Date.now();
    await sleep(WINDOW_MS);
    return { ...windowStats(recorded, from, Date.now()), lateStart };
  });
}

async function bullBurst(redis) {
  return withQueue(redis, "bench-burst", async (queue, startWorker) => {
    const dueAt = Math.ceil((Date.now() + 4_000) / 1000) * 1000;
    const jobs = [];
    for (let i = 0; i < BURST; i++) {
      jobs.push({ name: JOB, data: { dueAt }, opts: { delay: dueAt - Date.now() } });
    }
    await queue.addBulk(jobs);
    const recorded = recorder();
    startWorker();
    await sleep(Math.max(0, dueAt - Date.now()));
    await waitForStarts(recorded, BURST, BURST_CAP_MS);
    return burstStats(recorded, dueAt, BURST);
  });
}

async function bullRows() {
  if (!redisInstalled())
    return { skipped: "redis-server not installed (apt-get install redis-server)" };
  const redis = await startRedis();
  try {
    return { every: await bullEverySecond(redis), burst: await bullBurst(redis) };
  } finally {
    await redis.stop();
  }
}

// --- the section ---------------------------------------------------------------------------

const fmt = (x, digits = 0) =>
  Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: digits }) : "–";
const ms = (x) => (Number.isFinite(x) ? `${fmt(x)} ms` : "–");

function burstCells(r) {
  const done =
    r.started >= r.expected
      ? ""
      : ` (${fmt(r.started)} of ${fmt(r.expected)} started in ${fmt(BURST_CAP_MS / 1000)} s)`;
  return `${fmt(r.runsPerSecond)}${done} | ${ms(r.first)} | ${ms(r.last)}`;
}

export default async function localVsBullmqSection() {
  const load = machineLoad();
  const local = { every: await localEverySecond(), burst: await localBurst() };
  const bull = await bullRows();
  const skipped = (cells) => Array(cells).fill(`skipped: ${bull.skipped}`).join(" | ");
  return [
    "## Local mode on SQLite against BullMQ on Redis",
    "",
    "The same no-op job (it records when it started) on this machine, one side at a time.",
    "*lambda-scheduler* is local mode as `lambda-scheduler dev` runs it: `startLocalScheduler`",
    "over a SQLite store in a temporary file (WAL, `synchronous = NORMAL`), its in-process queue",
    "and the invoke core, ticking whenever a schedule is due and at least every second. Its queue",
    "has no concurrency limit: every delivered run starts at once, in the one Node.js process.",
    `*BullMQ* is one \`Worker\` with concurrency ${BULL_CONCURRENCY} (the most jobs it runs at once) in the bench's`,
    "process, against `redis-server` (its own process, no persistence: `--save '' --appendonly",
    "no`); the processor records its start, and completed jobs are kept (BullMQ's default), as",
    `local mode keeps run records. ${load}`,
    "",
    `(a) ${fmt(EVERY_SECOND)} schedules every second: \`rate(1 second)\` anchored on a whole second`,
    `(\`catchUp: latest\`), and BullMQ job schedulers (\`upsertJobScheduler\` with \`every: 1000\`,`,
    "all starting on one whole second), so every second all of them fall due together. Counted",
    `over ${fmt(WINDOW_MS / 1000)} s after ${fmt(WARMUP_MS / 1000)} s of warm-up; lateness is start time minus scheduled time. Neither`,
    "side runs a missed occurrence late: local mode claims only the latest, and BullMQ schedules",
    "a scheduler's next job on the next slot after the current one starts; so when a side falls",
    "behind, runs/s drops under 10,000 and lateness shows how far behind it is.",
    "",
    `(b) ${fmt(BURST)} runs due at one instant (\`rate(1 day)\` starting then; BullMQ: \`addBulk\` of`,
    `delayed jobs due then): runs per second from the due instant to the last start, and the first`,
    `and last start after the due instant. A burst stops after ${fmt(BURST_CAP_MS / 1000)} s.`,
    "",
    "| workload | lambda-scheduler local mode: runs/s | lateness p50 | p99 | BullMQ: runs/s | lateness p50 | p99 |",
    "|---|---:|---:|---:|---:|---:|---:|",
    `| (a) ${fmt(EVERY_SECOND)} every second${bull.every?.lateStart ? " (BullMQ's schedulers took longer to create than planned: their first runs were spread)" : ""} | ${fmt(local.every.runsPerSecond)} | ${ms(local.every.p50)} | ${ms(local.every.p99)} | ${bull.skipped === undefined ? `${fmt(bull.every.runsPerSecond)} | ${ms(bull.every.p50)} | ${ms(bull.every.p99)}` : skipped(3)} |`,
    "",
    "| workload | lambda-scheduler local mode: runs/s | first start | last start | BullMQ: runs/s | first start | last start |",
    "|---|---:|---:|---:|---:|---:|---:|",
    `| (b) ${fmt(BURST)} due at once | ${burstCells(local.burst)} | ${bull.skipped === undefined ? burstCells(bull.burst) : skipped(3)} |`,
  ].join("\n");
}
