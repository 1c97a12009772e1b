// The tick's cost against table size. DynamoDB: items read and requests per tick at 1k, 10k and
// 100k schedules with 50 due, next to a full-scan tick (the seed's design) on the same data, on
// DynamoDB Local. Embedded stores: tick time with 50 due, and runs per second through the local
// tick + invoke path, at 100k schedules.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { manualClock } from "../dist/lib/clock.js";
import { createLocalDispatcher } from "../dist/lib/dispatch/local.js";
import { defineJob } from "../dist/lib/index.js";
import { createInvoker } from "../dist/lib/invoke/invoker.js";
import { silentLogger } from "../dist/lib/logger.js";
import { encodeSchedule } from "../dist/lib/store/dynamodb/codec.js";
import {
  createDynamoStore,
  createScheduleTable,
  observeDynamoRequests,
} from "../dist/lib/store/dynamodb/store.js";
import { createMemoryStore } from "../dist/lib/store/memory.js";
import { createSqliteStore } from "../dist/lib/store/sqlite/store.js";
import { runTick } from "../dist/lib/tick/tick.js";
import { startDynamoDbLocal } from "./support/dynamodb-local.mjs";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const HOUR = 3_600_000;
const SHARDS = 4;
const acceptAll = { dispatch: async () => ({ failed: [] }) };

defineJob({ name: "bench-noop", handler: () => undefined });

/** Schedule i of n: the first `due` are due at NOW, the rest spread over the next hour. */
function schedule(i, n, due) {
  const nextRunAt = i < due ? NOW - 1_000 * (i + 1) : NOW + 60_000 + Math.floor((i * HOUR) / n);
  return {
    id: `bench-${String(i).padStart(6, "0")}`,
    job: "bench-noop",
    expression: "rate(1 hour)",
    timezone: "UTC",
    payload: { i },
    state: "ENABLED",
    firstRun: "scheduled",
    catchUp: "latest",
    precise: false,
    startAt: NOW - HOUR,
    runCount: 1,
    nextRunAt,
    dueAt: nextRunAt,
    createdAt: NOW - HOUR,
    updatedAt: NOW - HOUR,
    version: 1,
  };
}

async function loadDynamo(documentClient, tableName, n, due) {
  const batches = [];
  for (let i = 0; i < n; i += 25) {
    const items = [];
    for (let j = i; j < Math.min(n, i + 25); j++) {
      items.push({ PutRequest: { Item: encodeSchedule(schedule(j, n, due), SHARDS) } });
    }
    batches.push(items);
  }
  const workers = Array.from({ length: 8 }, async () => {
    for (let items = batches.pop(); items; items = batches.pop()) {
      let pending = { [tableName]: items };
      while (Object.keys(pending).length > 0) {
        const out = await documentClient.send(new BatchWriteCommand({ RequestItems: pending }));
        pending = out.UnprocessedItems ?? {};
      }
    }
  });
  await Promise.all(workers);
}

/** The seed's tick: scan the whole table for due schedules. */
async function scanTick(client, tableName) {
  let items = 0;
  let requests = 0;
  let found = 0;
  let startKey;
  do {
    const out = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: "#state = :enabled AND dueAt <= :now",
        ExpressionAttributeNames: { "#state": "state" },
        ExpressionAttributeValues: { ":enabled": { S: "ENABLED" }, ":now": { N: String(NOW) } },
        ExclusiveStartKey: startKey,
      }),
    );
    requests += 1;
    items += out.ScannedCount ?? 0;
    found += out.Count ?? 0;
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return { items, requests, found };
}

async function dynamoRows() {
  const local = await startDynamoDbLocal();
  const config = {
    endpoint: local.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  };
  const rows = [];
  try {
    // The first n warms the emulator's JVM up and is not reported.
    for (const n of [500, 1_000, 10_000, 100_000]) {
      const client = new DynamoDBClient(config);
      const tableName = `bench-${n}`;
      await createScheduleTable(client, tableName);
      await loadDynamo(DynamoDBDocumentClient.from(client), tableName, n, 50);

      // The seed's scan first, so both read exactly the same items.
      const scan = performance.now();
      const seed = await scanTick(client, tableName);
      const scanMs = performance.now() - scan;

      const requests = [];
      const stop = observeDynamoRequests(client, (r) => requests.push(r));
      const store = createDynamoStore({ tableName, client, dueShards: SHARDS });
      const started = performance.now();
      const summary = await runTick(
        { store, dispatcher: acceptAll, clock: manualClock(new Date(NOW)), logger: silentLogger },
        {},
      );
      const tickMs = performance.now() - started;
      stop();
      const reads = requests.filter((r) => r.command === "QueryCommand");
      rows.push({
        n,
        claimed: summary.claimed,
        itemsRead: reads.reduce((sum, r) => sum + (r.scannedCount ?? 0), 0),
        requests: requests.length,
        queries: reads.length,
        tickMs,
        scan: { ...seed, ms: scanMs },
      });
      client.destroy();
    }
    rows.shift();
  } finally {
    local.stop();
  }
  return rows;
}

async function embeddedRows() {
  const n = 100_000;
  const dir = mkdtempSync(join(tmpdir(), "bench-tick-"));
  const rows = [];
  try {
    for (const [name, make] of [
      ["SQLite (file, WAL)", () => createSqliteStore({ path: join(dir, "bench.db") })],
      ["memory", () => createMemoryStore()],
    ]) {
      const store = make();
      const loadStarted = performance.now();
      for (let i = 0; i < n; i++) {
        const { version: _v, updatedAt: _u, ...record } = schedule(i, n, 0);
        await store.createSchedule(record);
      }
      const loadMs = performance.now() - loadStarted;
      // Schedules are spread evenly over an hour: 36 ms of clock is ~1 due schedule.
      const clock = manualClock(new Date(NOW + 60_000));
      const tickTimes = [];
      let claimed = 0;
      for (let t = 0; t < 20; t++) {
        clock.advance(1_800);
        const started = performance.now();
        const summary = await runTick(
          { store, dispatcher: acceptAll, clock, logger: silentLogger },
          { markDispatched: false },
        );
        tickTimes.push(performance.now() - started);
        claimed += summary.claimed;
      }
      tickTimes.sort((a, b) => a - b);

      // Runs per second: ~5,000 due at once, through the tick and the invoke core in-process.
      const invoker = createInvoker({ store, clock, logger: silentLogger });
      const dispatcher = createLocalDispatcher({
        consumer: invoker.processLocalDelivery,
        clock,
      });
      clock.advance(180_000);
      const burstStarted = performance.now();
      const burst = await runTick(
        { store, dispatcher, clock, logger: silentLogger },
        { markDispatched: false },
      );
      await dispatcher.idle();
      const burstMs = performance.now() - burstStarted;
      dispatcher.close();
      await store.close();
      rows.push({
        name,
        loadMs,
        perTick: claimed / tickTimes.length,
        medianTickMs: tickTimes[Math.floor(tickTimes.length / 2)],
        runs: burst.dispatched,
        runsPerSecond: burst.dispatched / (burstMs / 1000),
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export default async function tickSection() {
  const dynamo = await dynamoRows();
  const embedded = await embeddedRows();
  const fmt = (x, digits = 0) => x.toLocaleString("en-US", { maximumFractionDigits: digits });
  return [
    "## The tick against table size",
    "",
    "DynamoDB Local (AWS's emulator), 50 schedules due, the rest due later. *Due index* is our",
    "tick (`runTick`: query the sparse `due` GSI on every shard, claim each due schedule with one",
    "transaction); *full scan* is the seed's design (Scan with a filter) on the same table.",
    "Items read are DynamoDB's `ScannedCount`: what a read is billed on.",
    "",
    "| schedules | due-index tick: items read | requests (reads + claims) | time | full scan: items read | requests | time |",
    "|---:|---:|---:|---:|---:|---:|---:|",
    ...dynamo.map(
      (r) =>
        `| ${fmt(r.n)} | ${fmt(r.itemsRead)} (${r.queries} queries, ${r.claimed} claimed) | ${fmt(r.requests)} | ${fmt(r.tickMs)} ms | ${fmt(r.scan.items)} | ${fmt(r.scan.requests)} | ${fmt(r.scan.ms)} ms |`,
    ),
    "",
    "Embedded stores at 100,000 schedules (rate(1 hour), spread evenly): median time of a tick",
    "that claims ~50 occurrences, and runs per second for ~5,000 occurrences due at once through",
    "the local tick, the in-process queue and the invoke core (a job that does nothing).",
    "",
    "| store | load 100k | claimed per tick | median tick | burst runs | runs per second |",
    "|---|---:|---:|---:|---:|---:|",
    ...embedded.map(
      (r) =>
        `| ${r.name} | ${fmt(r.loadMs / 1000, 1)} s | ${fmt(r.perTick, 1)} | ${fmt(r.medianTickMs, 1)} ms | ${fmt(r.runs)} | ${fmt(r.runsPerSecond)} |`,
    ),
  ].join("\n");
}
