// A burst: N schedules all due at the same instant, claimed by one tick. The store is the memory
// store behind a fixed 10 ms per call (a model of a DynamoDB round trip from Lambda), the
// transport accepts everything after 10 ms per call. The tick's default options run next to
// `{ concurrency: 1 }` (claims one at a time), and one row runs on DynamoDB Local. Each run stops
// itself after a wall-clock cap, so the bench always ends, and reports what it managed.
import { setTimeout as sleep } from "node:timers/promises";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  createDynamoStore,
  createMemoryStore,
  createScheduleTable,
  defineJob,
  manualClock,
  runTick,
} from "../dist/lib/index.js";
import { startDynamoDbLocal } from "./support/dynamodb-local.mjs";
import { encodeSchedule, silentLogger } from "./support/internals.mjs";
import { machineLoad } from "./support/measure.mjs";

const NOW = Date.parse("2026-12-01T09:00:00Z");
const DAY = 86_400_000;
/** The modelled round trip of one store call and of one transport call. */
const ROUND_TRIP_MS = 10;
/**
 * Wall-clock caps of one run, in seconds: long enough for the defaults to finish 100,000, short
 * for one-at-a-time claims, whose rate shows within seconds. BENCH_BURST_CAP_SCALE scales them.
 */
const CAP_SCALE = Number(process.env.BENCH_BURST_CAP_SCALE ?? 1);
const SIZES = [10_000, 100_000];
const VARIANTS = [
  { label: "defaults", options: {}, capMs: 40_000 * CAP_SCALE },
  { label: "`{ concurrency: 1 }`", options: { concurrency: 1 }, capMs: 15_000 * CAP_SCALE },
];
const DYNAMO_CAP_MS = 40_000 * CAP_SCALE;
const DYNAMO_DUE = 10_000;
const DYNAMO_SHARDS = 4;

defineJob({ name: "bench-burst", handler: () => undefined });

/** Schedule i: `rate(1 day)`, last run a day ago, next run (and due) exactly at NOW. */
function dueSchedule(i) {
  return {
    id: `burst-${String(i).padStart(6, "0")}`,
    job: "bench-burst",
    expression: "rate(1 day)",
    timezone: "UTC",
    payload: { i },
    state: "ENABLED",
    firstRun: "scheduled",
    catchUp: "latest",
    precise: false,
    startAt: NOW - DAY,
    runCount: 1,
    nextRunAt: NOW,
    dueAt: NOW,
    lastScheduledAt: NOW - DAY,
    createdAt: NOW - DAY,
  };
}

/** Methods that list: after the cap they return an empty page, so the tick runs out of work. */
const LISTINGS = new Set(["queryDue", "listPendingRuns", "listSchedules", "listRuns"]);

/**
 * `inner` with `delayMs` added before every call, counting calls by method and successful claims.
 * Once `stopAt` (performance.now() time) has passed, listings return empty pages and claims
 * throw, which ends the tick within one round of calls in flight.
 */
function cappedStore(inner, { delayMs, stopAt }) {
  const stats = { calls: {}, claimed: 0, lastClaimAt: 0, capped: false };
  const store = new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== "function" || property === "close") return value;
      return async (...args) => {
        if (performance.now() >= stopAt) {
          stats.capped = true;
          if (LISTINGS.has(property)) return { items: [] };
          if (property === "countDue") return 0;
          if (property === "claim") throw new Error("bench: wall-clock cap reached");
        }
        stats.calls[property] = (stats.calls[property] ?? 0) + 1;
        if (delayMs > 0) await sleep(delayMs);
        const result = await value.apply(target, args);
        if (property === "claim" && result?.claimed) {
          stats.claimed += 1;
          stats.lastClaimAt = performance.now();
        }
        return result;
      };
    },
  });
  return { store, stats };
}

/**
 * A transport that takes every run after `delayMs` per call; once `stopAt` has passed it refuses
 * them all at once, so that a tick that sends before it claims does not send on past the cap.
 */
function acceptingDispatcher(delayMs, stopAt) {
  const stats = { calls: 0, dispatched: 0, largest: 0, lastAt: 0 };
  const dispatcher = {
    async dispatch(dispatches) {
      if (performance.now() >= stopAt) {
        const error = new Error("bench: wall-clock cap reached");
        return { failed: dispatches.map((d) => ({ runId: d.envelope.runId, error })) };
      }
      stats.calls += 1;
      stats.largest = Math.max(stats.largest, dispatches.length);
      await sleep(delayMs);
      stats.dispatched += dispatches.length;
      stats.lastAt = performance.now();
      return { failed: [] };
    },
  };
  return { dispatcher, stats };
}

/** One tick over `inner` (already loaded with `n` due schedules). */
async function burst(inner, n, { options, delayMs, capMs }) {
  const started = performance.now();
  const { store, stats } = cappedStore(inner, { delayMs, stopAt: started + capMs });
  const transport = acceptingDispatcher(ROUND_TRIP_MS, started + capMs);
  let error;
  // The scheduler's "now" stays at the due instant; elapsed time is the real clock's.
  const clock = manualClock(new Date(NOW));
  try {
    await runTick(
      { store, dispatcher: transport.dispatcher, clock, logger: silentLogger },
      options,
    );
  } catch (thrown) {
    error = thrown instanceof Error ? thrown.message : String(thrown);
  }
  const tickMs = performance.now() - started;
  return {
    n,
    capMs,
    tickMs,
    claimed: stats.claimed,
    lastClaimMs: stats.lastClaimAt - started,
    dispatched: transport.stats.dispatched,
    lastDispatchMs: transport.stats.lastAt - started,
    dispatchCalls: transport.stats.calls,
    largestBatch: transport.stats.largest,
    calls: stats.calls,
    finished: !stats.capped && transport.stats.dispatched === n && error === undefined,
    capped: stats.capped,
    error,
  };
}

async function memoryRows() {
  const rows = [];
  for (const n of SIZES) {
    for (const variant of VARIANTS) {
      const inner = createMemoryStore();
      for (let i = 0; i < n; i++) await inner.createSchedule(dueSchedule(i));
      rows.push({
        ...(await burst(inner, n, {
          options: variant.options,
          delayMs: ROUND_TRIP_MS,
          capMs: variant.capMs,
        })),
        label: variant.label,
      });
      await inner.close();
    }
  }
  return rows;
}

/** Counts the requests a client sends, by command name. */
function countRequests(client) {
  const counts = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context.commandName ?? "unknown").replace(/Command$/, "");
      counts[name] = (counts[name] ?? 0) + 1;
      return next(args);
    },
    { step: "initialize", name: "benchBurstRequestCount" },
  );
  return counts;
}

/** Writes the due schedules: 25 per BatchWriteItem when the item encoder is at hand. */
async function loadDynamo(client, tableName) {
  let next = 0;
  if (encodeSchedule === undefined) {
    const store = createDynamoStore({ tableName, client, dueShards: DYNAMO_SHARDS });
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = next++; i < DYNAMO_DUE; i = next++) await store.createSchedule(dueSchedule(i));
      }),
    );
    return;
  }
  const doc = DynamoDBDocumentClient.from(client);
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let start = next; start < DYNAMO_DUE; start = next) {
        next += 25;
        const items = [];
        for (let i = start; i < Math.min(DYNAMO_DUE, start + 25); i++) {
          const record = { ...dueSchedule(i), updatedAt: NOW - DAY, version: 1 };
          items.push({ PutRequest: { Item: encodeSchedule(record, DYNAMO_SHARDS) } });
        }
        let pending = { [tableName]: items };
        while (Object.keys(pending).length > 0) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: pending }));
          pending = out.UnprocessedItems ?? {};
        }
      }
    }),
  );
}

async function dynamoRow() {
  const local = await startDynamoDbLocal();
  try {
    const config = {
      endpoint: local.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    };
    const tableName = "bench-burst";
    const loader = new DynamoDBClient(config);
    await createScheduleTable(loader, tableName);
    const loadStarted = performance.now();
    await loadDynamo(loader, tableName);
    const loadMs = performance.now() - loadStarted;
    loader.destroy();

    const client = new DynamoDBClient(config);
    const requests = countRequests(client);
    const inner = createDynamoStore({ tableName, client, dueShards: DYNAMO_SHARDS });
    const row = await burst(inner, DYNAMO_DUE, { options: {}, delayMs: 0, capMs: DYNAMO_CAP_MS });
    client.destroy();
    return { ...row, label: "defaults", loadMs, requests };
  } finally {
    await local.stop();
  }
}

const fmt = (x, digits = 0) => x.toLocaleString("en-US", { maximumFractionDigits: digits });
const seconds = (ms) => `${fmt(ms / 1000, 1)} s`;
const byMethod = (calls) =>
  Object.entries(calls)
    .sort((a, b) => b[1] - a[1])
    .map(([method, count]) => `${method} ${fmt(count)}`)
    .join(", ");

function outcome(row) {
  if (row.finished) return `${seconds(row.lastClaimMs)} | ${seconds(row.lastDispatchMs)}`;
  if (row.error !== undefined) return `failed: ${row.error} | –`;
  const rate = row.claimed / (row.tickMs / 1000);
  const all =
    rate > 0 ? `; all ${fmt(row.n)} at this rate: ~${seconds((row.n / rate) * 1000)}` : "";
  return `did not finish: ${fmt(row.claimed)} claimed, ${fmt(row.dispatched)} dispatched in ${seconds(row.capMs)}${all} | –`;
}

function claimRate(row) {
  const ms = row.finished ? row.lastClaimMs : row.tickMs;
  return ms > 0 ? fmt(row.claimed / (ms / 1000)) : "–";
}

export default async function burstSection() {
  const load = machineLoad();
  const memory = await memoryRows();
  let dynamo;
  try {
    dynamo = await dynamoRow();
  } catch (error) {
    dynamo = { unavailable: error instanceof Error ? error.message : String(error) };
  }
  const lines = [
    "## Burst: N occurrences due at one instant",
    "",
    `N schedules (\`rate(1 day)\`) all due at the same instant, claimed by one \`runTick\` whose`,
    `clock stays at that instant. The store is the memory store with a fixed ${ROUND_TRIP_MS} ms added to`,
    `every call (a model of one DynamoDB round trip from Lambda); the transport accepts every run`,
    `after ${ROUND_TRIP_MS} ms per call, in the batches the tick hands it. *Defaults* is the tick's`,
    "default options; `{ concurrency: 1 }` asks for claims one at a time (a tick without that",
    "option ignores it, and then both rows measure the same thing). Claims per second are claims",
    "over the time to the last claim; the times run from the start of the tick to the last",
    "successful claim and to the end of the transport call that took the last run (a tick may",
    "send before it claims or after). A run stops itself after a wall-clock cap",
    `(${seconds(VARIANTS[0].capMs)} at the defaults, ${seconds(VARIANTS[1].capMs)} one at a time, ${seconds(DYNAMO_CAP_MS)} on DynamoDB Local;`,
    "`BENCH_BURST_CAP_SCALE` scales them): listings then come back empty, claims fail and the",
    "transport refuses, and the row reports how far it got and how long all N would take at that",
    "rate.",
    load,
    "",
    "| due | tick options | claims/s | time to last claim | time to last dispatch | store calls by method | transport calls (largest batch) |",
    "|---:|---|---:|---|---|---|---:|",
    ...memory.map(
      (r) =>
        `| ${fmt(r.n)} | ${r.label} | ${claimRate(r)} | ${outcome(r)} | ${byMethod(r.calls)} | ${fmt(r.dispatchCalls)} (${r.largestBatch}) |`,
    ),
    "",
  ];
  if (dynamo.unavailable !== undefined) {
    lines.push(`DynamoDB Local: not measured (${dynamo.unavailable}).`);
  } else {
    lines.push(
      `The same tick (defaults) on DynamoDB Local (AWS's emulator, in memory, on this machine; no`,
      `added delay, the transport still ${ROUND_TRIP_MS} ms per call), ${fmt(DYNAMO_DUE)} due across ${DYNAMO_SHARDS} due-index`,
      `shards; loading them took ${seconds(dynamo.loadMs)}. Requests are what the tick sent, by command.`,
      "",
      "| due | claims/s | time to last claim | time to last dispatch | requests | store calls by method |",
      "|---:|---:|---|---|---|---|",
      `| ${fmt(dynamo.n)} | ${claimRate(dynamo)} | ${outcome(dynamo)} | ${fmt(Object.values(dynamo.requests).reduce((a, b) => a + b, 0))}: ${byMethod(dynamo.requests)} | ${byMethod(dynamo.calls)} |`,
    );
  }
  return lines.join("\n");
}
