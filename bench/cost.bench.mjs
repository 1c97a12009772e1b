// What one run costs in DynamoDB requests and capacity units, step by step (create, tick,
// invoke), on DynamoDB Local, next to the units AWS's published rules give for the same item
// sizes and index changes, and what that makes in dollars per million runs beside EventBridge
// Scheduler.
import { AsyncLocalStorage } from "node:async_hooks";
import { DescribeTableCommand, DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import {
  createDynamoStore,
  createSchedule,
  createScheduleTable,
  defineJob,
  manualClock,
  runTick,
} from "../dist/lib/index.js";
import { startDynamoDbLocal } from "./support/dynamodb-local.mjs";
import { createInvoker, silentLogger } from "./support/internals.mjs";

const NOW = Date.parse("2026-12-01T09:00:00Z");
const JOB = "bench-cost";
const PAYLOAD = { volumeId: "vol-0123456789abcdef0", keep: 7 };
const MANY = 100;

defineJob({ name: JOB, handler: () => undefined });
/** A job that fails on each of its 3 attempts: the runs that pay for the runs index. */
const FAILING_JOB = "bench-cost-failing";
defineJob({
  name: FAILING_JOB,
  retry: { attempts: 3, backoffSeconds: 1 },
  handler: () => {
    throw new Error("bench: this job always fails");
  },
});

// ---------------------------------------------------------------------------------------------
// AWS's published rules (DynamoDB developer guide, "Read and write operations" and "Global
// secondary indexes: provisioned throughput"), as pure functions of sizes.

/**
 * Write request units of one item write by AWS's published rules: 1 WRU per started KB of the
 * item (the larger of its before and after images), doubled inside TransactWriteItems; plus, for
 * each global secondary index entry put or deleted, 1 WRU per started KB of the projected entry.
 * An update that changes an index key is a delete and a put there (two entries); one that changes
 * only projected non-key attributes is one.
 *
 * @param {{ itemBytes: number, transactional?: boolean, indexWrites?: number[] }} write
 *   `indexWrites`: the projected size in bytes of each index entry put or deleted.
 */
export function awsWriteUnits({ itemBytes, transactional = false, indexWrites = [] }) {
  const table = Math.max(1, Math.ceil(itemBytes / 1024)) * (transactional ? 2 : 1);
  return indexWrites.reduce((sum, bytes) => sum + Math.max(1, Math.ceil(bytes / 1024)), table);
}

/**
 * Read request units of one GetItem or Query by AWS's published rules: the bytes read (one item,
 * or the sum of the items a Query reads) rounded up to 4 KB, 1 RRU per 4 KB strongly consistent,
 * half that eventually consistent (every index read); a read of nothing still costs one unit.
 */
export function awsReadUnits({ bytes, consistent }) {
  return Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);
}

/** DynamoDB's size of a number: about one byte per two significant digits, plus one. */
function numberBytes(text) {
  const digits = String(text)
    .replace(/^-/, "")
    .replace(/e.*$/i, "")
    .replace(".", "")
    .replace(/^0+/, "")
    .replace(/0+$/, "");
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

/** Size of an attribute value in wire form ({ S }, { N }, { M }, …). */
function attributeBytes(value) {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((n, s) => n + Buffer.byteLength(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((n, s) => n + numberBytes(s), 0);
  if (value.BS !== undefined) return value.BS.reduce((n, b) => n + b.length, 0);
  if (value.L !== undefined) return value.L.reduce((n, v) => n + attributeBytes(v) + 1, 3);
  if (value.M !== undefined)
    return Object.entries(value.M).reduce(
      (n, [k, v]) => n + Buffer.byteLength(k) + attributeBytes(v) + 1,
      3,
    );
  return 0;
}

/** Size of an item in wire form: attribute names plus values. */
function itemBytes(item) {
  if (item === undefined) return 0;
  return Object.entries(item).reduce(
    (n, [k, v]) => n + Buffer.byteLength(k) + attributeBytes(v),
    0,
  );
}

/** Size of an item as the document client returns it (plain JavaScript values). */
function plainBytes(value) {
  if (value === null || typeof value === "boolean") return 1;
  if (typeof value === "string") return Buffer.byteLength(value);
  if (typeof value === "number" || typeof value === "bigint") return numberBytes(String(value));
  if (value instanceof Uint8Array) return value.length;
  if (value instanceof Set) return [...value].reduce((n, v) => n + plainBytes(v), 0);
  if (Array.isArray(value)) return value.reduce((n, v) => n + plainBytes(v) + 1, 3);
  return Object.entries(value).reduce(
    (n, [k, v]) => n + Buffer.byteLength(k) + plainBytes(v) + 1,
    3,
  );
}
const plainItemBytes = (item) =>
  Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k) + plainBytes(v), 0);

// ---------------------------------------------------------------------------------------------
// Metering: every request, its step, what DynamoDB Local reported, and the published-rules units.

const READS = new Set(["GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"]);

/** The table's key and its indexes (keys, projection), for the published-rules estimate. */
async function tableShape(client, tableName) {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  return {
    keys: Table.KeySchema.map((k) => k.AttributeName),
    indexes: (Table.GlobalSecondaryIndexes ?? []).map((index) => ({
      name: index.IndexName,
      keys: index.KeySchema.map((k) => k.AttributeName),
      projection: index.Projection?.ProjectionType ?? "ALL",
      include: index.Projection?.NonKeyAttributes ?? [],
    })),
  };
}

/** The index writes (projected entry sizes) that turning `before` into `after` costs. */
function indexWritesOf(shape, before, after) {
  const writes = [];
  for (const index of shape.indexes) {
    const keyOf = (item) =>
      item !== undefined && index.keys.every((k) => item[k] !== undefined)
        ? JSON.stringify(index.keys.map((k) => item[k]))
        : undefined;
    const projected = (item) => {
      if (index.projection === "ALL") return item;
      const names = new Set([...shape.keys, ...index.keys, ...index.include]);
      return Object.fromEntries(Object.entries(item).filter(([k]) => names.has(k)));
    };
    const was = keyOf(before);
    const is = keyOf(after);
    if (was === undefined && is === undefined) continue;
    if (was === undefined) writes.push(itemBytes(projected(after)));
    else if (is === undefined) writes.push(itemBytes(projected(before)));
    else if (was !== is) writes.push(itemBytes(projected(before)), itemBytes(projected(after)));
    else if (JSON.stringify(projected(before)) !== JSON.stringify(projected(after)))
      writes.push(itemBytes(projected(after)));
  }
  return writes;
}

/** The items a write request touches: [table, key, kind] in wire form. */
function writtenItems(command, input, shape) {
  const keyOf = (item) => Object.fromEntries(shape.keys.map((k) => [k, item[k]]));
  if (command === "PutItem") return [{ table: input.TableName, key: keyOf(input.Item) }];
  if (command === "UpdateItem" || command === "DeleteItem")
    return [{ table: input.TableName, key: input.Key }];
  if (command === "TransactWriteItems")
    return input.TransactItems.map((entry) => {
      if (entry.Put) return { table: entry.Put.TableName, key: keyOf(entry.Put.Item) };
      const [kind, op] = Object.entries(entry)[0];
      return { table: op.TableName, key: op.Key, check: kind === "ConditionCheck" };
    });
  if (command === "BatchWriteItem")
    return Object.entries(input.RequestItems).flatMap(([table, requests]) =>
      requests.map((r) => ({
        table,
        key: r.PutRequest ? keyOf(r.PutRequest.Item) : r.DeleteRequest.Key,
      })),
    );
  return [];
}

/** The table a request goes to. */
function tableOf(input) {
  if (input.TableName !== undefined) return input.TableName;
  if (input.RequestItems !== undefined) return Object.keys(input.RequestItems)[0];
  const first = input.TransactItems?.[0];
  return first === undefined ? undefined : Object.values(first)[0]?.TableName;
}

/**
 * Meters every request `client` sends: the step it belongs to (from `label`), the capacity
 * DynamoDB Local reports, and the units AWS's rules give. Item images before and after each
 * write are read with `shadow`, a client that is not metered.
 */
function meter(client, shadow, shapes, label) {
  const requests = [];
  requests.largestItem = 0;
  const image = async (table, key) =>
    (await shadow.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true })))
      .Item;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const where = label.getStore() ?? { step: "(outside the store)" };
      const command = (context.commandName ?? "unknown").replace(/Command$/, "");
      const input = args.input;
      const shape = shapes.get(tableOf(input));
      const touched =
        READS.has(command) || shape === undefined ? [] : writtenItems(command, input, shape);
      const befores = await Promise.all(touched.map((t) => image(t.table, t.key)));
      let result;
      try {
        result = await next(args);
      } catch (error) {
        requests.push({ ...where, command, error: error.name });
        throw error;
      }
      const consumed = [result.output.ConsumedCapacity ?? []].flat();
      const units = consumed.reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
      let aws = 0;
      if (READS.has(command)) {
        const items = result.output.Item ? [result.output.Item] : (result.output.Items ?? []);
        aws = awsReadUnits({
          bytes: items.reduce((n, item) => n + plainItemBytes(item), 0),
          consistent: input.ConsistentRead === true && input.IndexName === undefined,
        });
      } else {
        const afters = await Promise.all(touched.map((t) => image(t.table, t.key)));
        touched.forEach((t, i) => {
          requests.largestItem = Math.max(requests.largestItem, itemBytes(afters[i]));
          aws += awsWriteUnits({
            itemBytes: Math.max(itemBytes(befores[i]), itemBytes(afters[i])),
            transactional: command === "TransactWriteItems",
            indexWrites: t.check ? [] : indexWritesOf(shape, befores[i], afters[i]),
          });
        });
      }
      requests.push({
        ...where,
        command,
        wru: READS.has(command) ? 0 : units,
        rru: READS.has(command) ? units : 0,
        awsWru: READS.has(command) ? 0 : aws,
        awsRru: READS.has(command) ? aws : 0,
      });
      return result;
    },
    { step: "build", name: "benchCostMeter" },
  );
  return requests;
}

/** What a store operation is, in the words of the steps of a run. */
function stepOf(phase, method, args) {
  if (method === "updateRun") {
    const status = args[2]?.status;
    const name =
      { DISPATCHED: "dispatch mark", RUNNING: "start", SUCCEEDED: "finish" }[status] ?? "update";
    return { phase, step: name, operation: `updateRun → ${status ?? "?"}` };
  }
  // Names of the steps for the operations the store has had; any other shows as itself.
  const names = {
    createSchedule: "create",
    getSchedule: phase === "invoke" ? "start: read schedule" : "create: is the id taken?",
    dueShards: "shard count",
    acquireLease: "take shard lease",
    releaseLease: "release shard lease",
    queryDue: "read due",
    countDue: "count backlog",
    listPendingRuns: "re-drive check",
    claim: "claim",
    getRun: "start: read run",
    startRun: "start",
  };
  return { phase, step: names[method] ?? method, operation: method };
}

/** The store with each call labelled by the phase it runs in and the operation it is. */
function labelledStore(inner, label, phaseOf) {
  return new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== "function") return value;
      return (...args) =>
        label.run(stepOf(phaseOf(), property, args), () => value.apply(target, args));
    },
  });
}

/** Creates `count` schedules, ticks once, and runs each captured envelope; returns the requests. */
async function runThrough(local, count, tableName, history, job = JOB) {
  const config = {
    endpoint: local.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  };
  const client = new DynamoDBClient(config);
  const shadow = new DynamoDBClient(config);
  try {
    await createScheduleTable(shadow, tableName);
    const shapes = new Map([[tableName, await tableShape(shadow, tableName)]]);
    const label = new AsyncLocalStorage();
    const requests = meter(client, shadow, shapes, label);
    let phase = "create";
    const store = labelledStore(
      createDynamoStore({ tableName, client, returnConsumedCapacity: "INDEXES" }),
      label,
      () => phase,
    );
    const clock = manualClock(new Date(NOW));

    for (let i = 0; i < count; i++) {
      await createSchedule(
        {
          id: `cost-${String(i).padStart(4, "0")}`,
          job,
          expression: "rate(1 hour)",
          payload: PAYLOAD,
          ...(history === undefined ? {} : { history }),
        },
        { store, clock },
      );
    }

    phase = "tick";
    clock.advance(1_000);
    const envelopes = [];
    const capture = {
      async dispatch(dispatches) {
        envelopes.push(...dispatches.map((d) => d.envelope));
        return { failed: [] };
      },
    };
    const summary = await runTick({ store, dispatcher: capture, clock, logger: silentLogger });

    phase = "invoke";
    clock.advance(1_000);
    const invoker = createInvoker({ store, clock, logger: silentLogger });
    const outcomes = {};
    for (const envelope of envelopes) {
      // Each retry is the same message received again, as SQS delivers it after its backoff.
      for (let receiveCount = 1; ; receiveCount++) {
        const result = await invoker.processEnvelope(envelope, {
          attempt: receiveCount,
          receiveCount,
          changeVisibility: () => undefined,
        });
        outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
        if (result.outcome !== "failed-retry") break;
      }
    }

    // A tick with nothing due: what every minute costs, whatever the load.
    phase = "idle tick";
    clock.advance(1_000);
    await runTick({ store, dispatcher: capture, clock, logger: silentLogger });
    phase = "other";
    const shards = typeof store.dueShards === "function" ? await store.dueShards() : undefined;
    return {
      indexes: shapes.get(tableName).indexes,
      shards,
      requests,
      largestItem: requests.largestItem,
      claimed: summary.claimed,
      runs: envelopes.length,
      outcomes,
    };
  } finally {
    client.destroy();
    shadow.destroy();
  }
}

/** Requests grouped by step, in the order the steps first happened. */
function byStep(requests) {
  const groups = new Map();
  for (const r of requests) {
    const key = `${r.phase ?? ""}|${r.step}|${r.operation ?? ""}`;
    const group = groups.get(key) ?? {
      phase: r.phase ?? "",
      step: r.step,
      operation: r.operation ?? "",
      requests: 0,
      commands: new Set(),
      wru: 0,
      rru: 0,
      awsWru: 0,
      awsRru: 0,
      errors: 0,
    };
    group.requests += 1;
    group.commands.add(r.command);
    if (r.error !== undefined) group.errors += 1;
    else {
      group.wru += r.wru;
      group.rru += r.rru;
      group.awsWru += r.awsWru;
      group.awsRru += r.awsRru;
    }
    groups.set(key, group);
  }
  return [...groups.values()];
}

const fmt = (x, digits = 2) => x.toLocaleString("en-US", { maximumFractionDigits: digits });
/** One tick a minute, for an average month. */
const TICKS_A_MONTH = (365.25 / 12) * 24 * 60;
const usd = (x) => `$${x.toFixed(2)}`;
const SUMS = ["requests", "wru", "rru", "awsWru", "awsRru"];

function total(groups) {
  return Object.fromEntries(SUMS.map((k) => [k, groups.reduce((n, g) => n + g[k], 0)]));
}

/** The phases a run goes through; creating the schedule and idle ticks are reported apart. */
const RUN_PHASES = new Set(["tick", "invoke"]);

function stepTable(groups, per) {
  const rows = groups
    .filter((g) => g.phase !== "idle tick")
    .map(
      (g) =>
        `| ${g.phase} | ${g.step} | \`${g.operation}\` (${[...g.commands].join(", ")}) | ${fmt(g.requests / per)} | ${fmt(g.wru / per)} | ${fmt(g.rru / per)} | ${fmt(g.awsWru / per)} | ${fmt(g.awsRru / per)} |`,
    );
  const run = total(groups.filter((g) => RUN_PHASES.has(g.phase)));
  const all = total(groups.filter((g) => RUN_PHASES.has(g.phase) || g.phase === "create"));
  return [
    "| phase | step | store operation (requests) | requests | WRU (DynamoDB Local) | RRU (DynamoDB Local) | WRU by AWS's published rules | RRU by AWS's published rules |",
    "|---|---|---|---:|---:|---:|---:|---:|",
    ...rows,
    `| **per run** | tick + invoke | | **${fmt(run.requests / per)}** | **${fmt(run.wru / per)}** | **${fmt(run.rru / per)}** | **${fmt(run.awsWru / per)}** | **${fmt(run.awsRru / per)}** |`,
    `| with creating the schedule | | | ${fmt(all.requests / per)} | ${fmt(all.wru / per)} | ${fmt(all.rru / per)} | ${fmt(all.awsWru / per)} | ${fmt(all.awsRru / per)} |`,
  ];
}

// Prices: AWS us-east-1 list prices, on-demand, as published on the services' pricing pages
// (checked 2026-12-01). Free tiers are left out.
const PRICE = {
  wru: 0.625, // DynamoDB on-demand, $ per million write request units
  rru: 0.125, // DynamoDB on-demand, $ per million read request units
  sns: 0.5, // SNS standard topic, $ per million publish requests (each up to 64 KB)
  sqs: 0.4, // SQS standard queue, $ per million requests
  lambda: 0.2, // Lambda, $ per million requests (duration is the job's and left out)
  scheduler: 1.0, // EventBridge Scheduler, $ per million invocations after 14 M free a month
};

/** Transport and compute requests per run: alone, and in full batches of 10. */
const TRANSPORT = {
  alone: { sns: 1, sqs: 3, lambda: 1 },
  batched: { sns: 0.1, sqs: 1.2, lambda: 0.1 },
};

function dollars(perRun) {
  // Units per run times dollars per million units is dollars per million runs.
  const dynamo = (wru, rru) => wru * PRICE.wru + rru * PRICE.rru;
  const rows = [];
  for (const [name, units] of [
    ["AWS's published rules", { wru: perRun.awsWru, rru: perRun.awsRru }],
    ["DynamoDB Local's count", { wru: perRun.wru, rru: perRun.rru }],
  ]) {
    const db = dynamo(units.wru, units.rru);
    for (const [shape, t] of Object.entries(TRANSPORT)) {
      const transport = t.sns * PRICE.sns + t.sqs * PRICE.sqs + t.lambda * PRICE.lambda;
      rows.push(
        `| lambda-scheduler: DynamoDB by ${name}, transport ${shape === "alone" ? "one run at a time" : "in full batches of 10"} | ${usd(db)} | ${usd(transport)} | **${usd(db + transport)}** |`,
      );
    }
  }
  rows.push(
    `| EventBridge Scheduler invoking the job's Lambda directly | – | ${usd(PRICE.scheduler)} + ${usd(PRICE.lambda)} Lambda | **${usd(PRICE.scheduler + PRICE.lambda)}** |`,
  );
  return rows;
}

export default async function costSection() {
  const local = await startDynamoDbLocal();
  let one;
  let many;
  let quiet;
  let failing;
  try {
    one = await runThrough(local, 1, "bench-cost-one");
    many = await runThrough(local, MANY, "bench-cost-many");
    quiet = await runThrough(local, MANY, "bench-cost-failures", "failures");
    failing = await runThrough(local, MANY, "bench-cost-failing", undefined, FAILING_JOB);
  } finally {
    await local.stop();
  }
  const oneGroups = byStep(one.requests);
  const manyGroups = byStep(many.requests);
  const perRun = Object.fromEntries(
    Object.entries(total(manyGroups.filter((g) => RUN_PHASES.has(g.phase)))).map(([k, v]) => [
      k,
      v / MANY,
    ]),
  );
  const quietGroups = byStep(quiet.requests);
  const quietPerRun = total(quietGroups.filter((g) => RUN_PHASES.has(g.phase)));
  const failingPerRun = total(byStep(failing.requests).filter((g) => RUN_PHASES.has(g.phase)));
  const idle = total(manyGroups.filter((g) => g.phase === "idle tick"));
  const idleOps = manyGroups
    .filter((g) => g.phase === "idle tick")
    .map((g) => `${g.operation} ${fmt(g.requests)}`)
    .join(", ");
  const idleMonth = (TICKS_A_MONTH * (idle.awsWru * PRICE.wru + idle.awsRru * PRICE.rru)) / 1e6;
  const outcomes = (r) =>
    Object.entries(r.outcomes)
      .map(([k, v]) => `${v} ${k}`)
      .join(", ");
  return [
    "## DynamoDB write and read units per run",
    "",
    `One schedule (\`rate(1 hour)\`, a ${JSON.stringify(PAYLOAD).length}-byte JSON payload) through every step of a run on`,
    "DynamoDB Local: created with the control API's `createSchedule`, claimed by one `runTick`",
    "(default options, as the tick Lambda runs it; the transport accepts everything and keeps",
    "the envelopes), then each envelope delivered to the invoke core",
    "(`createInvoker(...).processLocalDelivery`) with a job that returns at once. Every",
    "request is grouped by the store operation that sent it. *DynamoDB Local* columns are the",
    '`ConsumedCapacity` it returns (`returnConsumedCapacity: "INDEXES"`: the total that',
    '`"TOTAL"` gives, split over the table and its indexes). It is an',
    "emulator, and its units need not be AWS's, so the *AWS's published rules* columns",
    "recompute every request from the item images before and after it (read with a second,",
    "unmetered client) and the table's indexes:",
    "",
    "- a write costs 1 WRU per started KB of the item (the larger of its before and after",
    "  images), 2 per KB inside `TransactWriteItems`;",
    "- each global secondary index entry put or deleted costs 1 WRU per started KB of the",
    `  projected entry (the table's indexes: ${one.indexes.map((i) => `\`${i.name}\`, projecting ${i.projection}`).join("; ")}); an update`,
    "  that changes an index key is a delete and a put there, one that changes only projected",
    "  attributes is one write;",
    "- a read costs 1 RRU per started 4 KB read (the item, or the sum of the items a Query",
    "  returns), half that eventually consistent (every index Query); a read that finds nothing",
    "  is counted as one 4 KB read (0.5 RRU for an index Query, where DynamoDB Local reports 0).",
    "",
    `The largest item written was ${fmt(Math.max(one.largestItem, many.largestItem), 0)} bytes${Math.max(one.largestItem, many.largestItem) <= 1024 ? ", so every item write counts as 1 KB" : ""}.`,
    "",
    `One run of one schedule (${one.claimed} claimed; ${outcomes(one)}):`,
    "",
    ...stepTable(oneGroups, 1),
    "",
    `${MANY} schedules due together, one tick, ${MANY} runs (${many.claimed} claimed; ${outcomes(many)}), divided by ${MANY}: the tick's`,
    "queries are shared by every run it claims.",
    "",
    ...stepTable(manyGroups, MANY),
    "",
    `The same ${MANY} runs of schedules created with \`history: "failures"\` (a run that succeeds`,
    `writes only its start; ${outcomes(quiet)}): ${fmt(quietPerRun.awsWru / MANY)} WRU and ${fmt(quietPerRun.awsRru / MANY)} RRU per run by AWS's`,
    `published rules (${fmt(quietPerRun.wru / MANY)} WRU by DynamoDB Local), in ${fmt(quietPerRun.requests / MANY)} requests.`,
    "",
    `And ${MANY} runs of a job that fails each of its 3 attempts (RUNNING, RETRYING, RUNNING, RETRYING,`,
    `RUNNING, FAILED; ${outcomes(failing)}): ${fmt(failingPerRun.awsWru / MANY)} WRU and ${fmt(failingPerRun.awsRru / MANY)} RRU per run by AWS's published`,
    `rules (${fmt(failingPerRun.wru / MANY)} WRU by DynamoDB Local). RETRYING and FAILED are on the sparse \`runs\` index`,
    "(what `lambda-scheduler runs` reads), RUNNING and SUCCEEDED are not: a run that succeeds pays",
    "nothing for it, one that fails pays for each move onto and off it.",
    "",
    "Dollars per million runs at on-demand list prices (AWS us-east-1, as published on the",
    `services' pricing pages on 2026-12-01; free tiers left out): DynamoDB $${PRICE.wru} per million WRU`,
    `and $${PRICE.rru} per million RRU; SNS $${PRICE.sns.toFixed(2)} per million publishes (a \`PublishBatch\` of up to 10`,
    `is one); SQS $${PRICE.sqs.toFixed(2)} per million requests; Lambda $${PRICE.lambda.toFixed(2)} per million requests; EventBridge Scheduler`,
    `$${PRICE.scheduler.toFixed(2)} per million invocations after 14 million free a month. DynamoDB units are the per-run`,
    `figures of the ${MANY}-run table. Transport per run, alone: 1 SNS publish, 3 SQS requests (the`,
    "delivery from SNS, the receive, the delete), 1 invoke Lambda request; in full batches of 10:",
    "0.1 publish, 1.2 SQS requests (1 delivery, 0.1 receive, 0.1 delete), 0.1 Lambda request.",
    "Left out on both sides: Lambda duration (the job's own), the tick Lambda's one request a",
    "minute (about 43,800 a month whatever the load), idle SQS polls, storage, data transfer.",
    "",
    `A tick with nothing due${many.shards === undefined ? "" : ` (${many.shards} due-index shards, the store's default)`}: ${fmt(idle.requests)} requests (${idleOps}),`,
    `${fmt(idle.wru)} WRU and ${fmt(idle.rru)} RRU by DynamoDB Local, ${fmt(idle.awsWru)} WRU and ${fmt(idle.awsRru)} RRU by AWS's rules: at one`,
    `tick a minute, ${usd(idleMonth)} a month of DynamoDB before any schedule runs.`,
    "",
    "| per million runs | DynamoDB | SNS + SQS + Lambda requests | total |",
    "|---|---:|---:|---:|",
    ...dollars(perRun),
  ].join("\n");
}
