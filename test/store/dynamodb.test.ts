import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
} from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { ConfigurationError, StoreError } from "../../src/errors.js";
import { shardOf } from "../../src/store/dynamodb/codec.js";
import {
  createDynamoStore,
  createScheduleTable,
  DEFAULT_DUE_SHARDS,
  type DynamoRequest,
  observeDynamoRequests,
  SCHEDULE_TABLE_SCHEMA,
} from "../../src/store/dynamodb/store.js";
import type { RunStatus, ScheduleStore } from "../../src/store/types.js";
import { uniqueName } from "../support/aws.js";
import { emulatorTable, serialDynamoClient } from "../support/dynamodb.js";
import { describeStoreContract } from "./contract.js";
import { allPages, aRun, aSchedule, createAll, largePayload, MINUTE, T0 } from "./fixtures.js";

/** The configuration item's key, as the low-level client spells it. */
const CONFIG_ITEM = { pk: { S: "CONFIG" }, sk: { S: "CONFIG" } };

interface TableFixture {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly store: ScheduleStore;
  cleanup(): Promise<void>;
}

async function withTable(
  storeOptions: { dueShards?: number; returnConsumedCapacity?: "TOTAL" } = {},
): Promise<TableFixture> {
  const { client, tableName, drop } = await emulatorTable("schedules");
  const store = createDynamoStore({ tableName, client, ...storeOptions });
  return {
    client,
    tableName,
    store,
    cleanup: async () => {
      await store.close();
      await drop();
    },
  };
}

describeStoreContract("DynamoDB", () => withTable());

/** Runs `body` on a fresh table, recording the requests its store sends. */
async function watched(
  body: (table: TableFixture, requests: DynamoRequest[]) => Promise<void>,
  storeOptions: { dueShards?: number; returnConsumedCapacity?: "TOTAL" } = {},
): Promise<void> {
  const table = await withTable(storeOptions);
  const requests: DynamoRequest[] = [];
  const stop = observeDynamoRequests(table.client, (r) => requests.push(r));
  try {
    await body(table, requests);
  } finally {
    stop();
    await table.cleanup();
  }
}

const sum = (requests: readonly DynamoRequest[], field: "count" | "scannedCount") =>
  requests.reduce((total, r) => total + (r[field] ?? 0), 0);

describe("the DynamoDB schedule table", () => {
  it("is created with the keys, indexes, billing mode and TTL of SCHEDULE_TABLE_SCHEMA", async () => {
    await watched(async ({ client, tableName }) => {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      expect(Table?.KeySchema).toEqual(SCHEDULE_TABLE_SCHEMA.KeySchema);
      expect(new Set(Table?.AttributeDefinitions)).toEqual(
        new Set(SCHEDULE_TABLE_SCHEMA.AttributeDefinitions),
      );
      expect(
        Table?.GlobalSecondaryIndexes?.map(({ IndexName, KeySchema, Projection }) => ({
          IndexName,
          KeySchema,
          Projection,
        })),
      ).toEqual(SCHEDULE_TABLE_SCHEMA.GlobalSecondaryIndexes);
      expect(Table?.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
      expect(ttl.TimeToLiveDescription).toMatchObject({
        AttributeName: "expiresAt",
        TimeToLiveStatus: "ENABLED",
      });
    });
  });

  it("is left alone by createScheduleTable with ifNotExists, and refused without it", async () => {
    await watched(async ({ client, tableName, store }) => {
      await store.createSchedule(aSchedule("s1"));
      await createScheduleTable(client, tableName, { ifNotExists: true });
      expect(await store.getSchedule("s1")).toBeDefined();
      const again = createScheduleTable(client, tableName);
      await expect(again).rejects.toBeInstanceOf(StoreError);
      await expect(again).rejects.toHaveProperty("cause.name", "ResourceInUseException");
    });
  });
});

describe("the DynamoDB store's shards", () => {
  it("places ids by a stable hash, which must never change", () => {
    const shards = ["a", "hello", "nightly-snapshot", "s1", ""].map((id) => [
      shardOf(id, 4),
      shardOf(id, 64),
    ]);
    expect(shards).toEqual([
      ["0", "44"],
      ["3", "43"],
      ["1", "45"],
      ["1", "9"],
      ["1", "5"],
    ]);
  });

  it("spreads ids over every shard", () => {
    const used = new Set(Array.from({ length: 200 }, (_, i) => shardOf(`schedule-${i}`, 8)));
    expect([...used].sort()).toEqual(["0", "1", "2", "3", "4", "5", "6", "7"]);
  });

  it("answers each shard's query with exactly the schedules placed on it, and all of them together", async () => {
    await watched(
      async ({ store }) => {
        const ids = Array.from({ length: 40 }, (_, i) => `spread-${i}`);
        await createAll(
          store,
          ids.map((id) => aSchedule(id)),
        );
        const seen: string[] = [];
        for (let shard = 0; shard < 4; shard += 1) {
          const { items } = await allPages((cursor) =>
            store.queryDue({ dueBefore: T0, shard, limit: 3, ...(cursor ? { cursor } : {}) }),
          );
          const own = ids.filter((id) => shardOf(id, 4) === String(shard));
          expect(own.length).toBeGreaterThan(0);
          expect(items.map((s) => s.id).sort()).toEqual(own.sort());
          seen.push(...items.map((s) => s.id));
        }
        expect(seen.sort()).toEqual([...ids].sort());
      },
      { dueShards: 4 },
    );
  });

  it("refuses a cursor of the whole index for one shard's query", async () => {
    await watched(
      async ({ store }) => {
        await createAll(store, [aSchedule("a"), aSchedule("b"), aSchedule("c")]);
        const { cursor } = await store.queryDue({ dueBefore: T0, limit: 1 });
        if (cursor === undefined) throw new Error("expected a second page");
        await expect(store.queryDue({ dueBefore: T0, shard: 0, cursor })).rejects.toBeInstanceOf(
          StoreError,
        );
      },
      { dueShards: 4 },
    );
  });

  it.each([1, 3, 7])("pages through due schedules in order with %i shard(s)", async (dueShards) => {
    await watched(
      async ({ store }) => {
        const records = Array.from({ length: 17 }, (_, i) =>
          aSchedule(`s${i}`, { dueAt: T0 - ((i * 5) % 17) * 1_000 }),
        );
        await createAll(store, records);
        const { items } = await allPages((cursor) =>
          store.queryDue({ dueBefore: T0, limit: 4, ...(cursor ? { cursor } : {}) }),
        );
        expect(items.map((s) => s.dueAt)).toEqual(
          records.map((s) => s.dueAt).sort((a, b) => (a ?? 0) - (b ?? 0)),
        );
      },
      { dueShards },
    );
  });
});

describe("the DynamoDB store's recorded shard count", () => {
  const configOf = async (client: DynamoDBClient, tableName: string) =>
    (await client.send(new GetItemCommand({ TableName: tableName, Key: CONFIG_ITEM }))).Item;

  it(`records ${DEFAULT_DUE_SHARDS} shards at first use when none is configured`, async () => {
    await watched(async ({ client, tableName, store }) => {
      expect(await configOf(client, tableName)).toBeUndefined();
      await store.createSchedule(aSchedule("s1"));
      expect(await configOf(client, tableName)).toMatchObject({
        dueShards: { N: String(DEFAULT_DUE_SHARDS) },
      });
      expect(await store.dueShards()).toBe(DEFAULT_DUE_SHARDS);
    });
  });

  it("records the configured count, and another store adopts it when it configures none", async () => {
    await watched(
      async ({ client, tableName, store }) => {
        await store.createSchedule(aSchedule("s1"));
        expect(await configOf(client, tableName)).toMatchObject({ dueShards: { N: "4" } });
        const adopting = createDynamoStore({ tableName, client });
        expect(await adopting.dueShards()).toBe(4);
        await adopting.createSchedule(aSchedule("s2"));
        const due = await store.queryDue({ dueBefore: T0, shard: Number(shardOf("s2", 4)) });
        expect(due.items.map((s) => s.id)).toContain("s2");
      },
      { dueShards: 4 },
    );
  });

  it("refuses a store configured with another count, saying how to fix it, and writes nothing", async () => {
    await watched(
      async ({ client, tableName, store }) => {
        await store.dueShards();
        const other = createDynamoStore({ tableName, client, dueShards: 8 });
        for (const call of [
          () => other.createSchedule(aSchedule("s1")),
          () => other.queryDue({ dueBefore: T0 }),
          () => other.dueShards(),
        ]) {
          const refused = call();
          await expect(refused).rejects.toBeInstanceOf(ConfigurationError);
          await expect(refused).rejects.toThrow(
            `table "${tableName}" records 4 due shards, but this process was configured with 8`,
          );
          await expect(refused).rejects.toThrow(/remove the setting or set it to 4/);
        }
        expect(await store.getSchedule("s1")).toBeUndefined();
      },
      { dueShards: 4 },
    );
  });

  it.each([0, -1, 2.5, Number.NaN])("refuses %s as a shard count at once", (dueShards) => {
    const client = serialDynamoClient();
    expect(() => createDynamoStore({ tableName: "t", client, dueShards })).toThrow(
      ConfigurationError,
    );
    client.destroy();
  });
});

describe("the DynamoDB store's own items", () => {
  it("keeps lease and configuration items off the due index and out of listings", async () => {
    await watched(async ({ store }) => {
      await store.acquireLease({ name: "tick#0", owner: "a", until: T0 + MINUTE, now: T0 });
      await store.createSchedule(aSchedule("s1"));
      expect((await store.listSchedules()).items.map((s) => s.id)).toEqual(["s1"]);
      expect((await store.listSchedules({ state: "ENABLED" })).items.map((s) => s.id)).toEqual([
        "s1",
      ]);
      expect((await store.queryDue({ dueBefore: T0 + MINUTE })).items.map((s) => s.id)).toEqual([
        "s1",
      ]);
      expect(await store.countDue({ dueBefore: T0 + MINUTE, max: 100 })).toBe(1);
    });
  });
});

describe("the DynamoDB store's runs index", () => {
  const startable = { expect: ["PENDING", "DISPATCHED", "RETRYING"] as RunStatus[] };
  /** The run item's index key as stored, read past the store. */
  const runShardOf = async ({ client, tableName }: TableFixture, scheduledAt: number) =>
    (
      await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: {
            pk: { S: "SCHEDULE#s1" },
            sk: { S: `RUN#${new Date(scheduledAt).toISOString()}` },
          },
          ConsistentRead: true,
        }),
      )
    ).Item?.runShard?.S;

  it("never puts a run that starts and succeeds on the index, so that it pays no index write", async () => {
    await watched(async (table) => {
      const { store } = table;
      const start = aRun("s1", T0, { status: "RUNNING", startedAt: T0, payload: undefined });
      await store.startRun(start, startable);
      expect(await runShardOf(table, T0)).toBeUndefined();
      await store.updateRun("s1", T0, { status: "SUCCEEDED" }, { expect: ["RUNNING"] });
      expect(await runShardOf(table, T0)).toBeUndefined();
    });
  });

  it("keys an indexed run by its status and one of four shards of its schedule", async () => {
    await watched(async (table) => {
      const { store } = table;
      await store.createRun(aRun("s1", T0, { status: "FAILED" }));
      expect(await runShardOf(table, T0)).toBe(`FAILED#${shardOf("s1", 4)}`);
      await store.updateRun("s1", T0, { status: "RETRYING" }, { expect: ["FAILED"] });
      expect(await runShardOf(table, T0)).toBe(`RETRYING#${shardOf("s1", 4)}`);
      await store.startRun(aRun("s1", T0, { status: "RUNNING", startedAt: T0 }), startable);
      expect(await runShardOf(table, T0)).toBeUndefined();
    });
  });

  it("copies only the keys, job and expiry to the index, and lists the whole run from the table", async () => {
    await watched(async (table) => {
      const { store, client, tableName } = table;
      const error = { name: "Error", message: "boom", stack: "x".repeat(8_000) };
      const expiresAt = Math.floor(Date.UTC(2030, 0, 1) / 1_000);
      await store.createRun(aRun("s1", T0, { status: "FAILED", error, expiresAt }));
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: "runs",
          KeyConditionExpression: "runShard = :shard",
          ExpressionAttributeValues: { ":shard": { S: `FAILED#${shardOf("s1", 4)}` } },
        }),
      );
      expect(Items.map((item) => Object.keys(item).sort())).toEqual([
        ["expiresAt", "job", "pk", "runShard", "scheduledAt", "sk"],
      ]);
      const { items } = await store.queryRuns({ status: "FAILED" });
      expect(items).toEqual([expect.objectContaining({ runId: aRun("s1", T0).runId, error })]);
    });
  });
});

describe("the DynamoDB store's requests", () => {
  /** 10 due, 30 due later, 10 paused with a past dueAt, and 20 runs. */
  async function seed(store: ScheduleStore): Promise<void> {
    for (let i = 0; i < 10; i += 1)
      await store.createSchedule(aSchedule(`due-${i}`, { dueAt: T0 - i * 1_000 }));
    for (let i = 0; i < 30; i += 1)
      await store.createSchedule(aSchedule(`later-${i}`, { dueAt: T0 + (i + 1) * MINUTE }));
    for (let i = 0; i < 10; i += 1)
      await store.createSchedule(aSchedule(`paused-${i}`, { state: "PAUSED", dueAt: T0 - MINUTE }));
    for (let i = 0; i < 20; i += 1) {
      await store.createRun(aRun("later-0", T0 - i * MINUTE, { status: "SUCCEEDED" }));
    }
  }

  it("never scans or transacts on the tick's and invoke side's path", async () => {
    await watched(
      async ({ store }, requests) => {
        await seed(store);
        requests.length = 0;
        const lease = { name: "tick#0", owner: "tick-a", until: T0 + MINUTE, now: T0 };
        await store.acquireLease(lease);
        const due = await store.queryDue({ dueBefore: T0, shard: 0 });
        await store.countDue({ dueBefore: T0, shard: 0, max: 1_000 });
        const read = due.items[0];
        if (read === undefined) throw new Error("nothing due on shard 0");
        await store.claim({
          schedule: read,
          changes: { nextRunAt: T0 + MINUTE, dueAt: T0 + MINUTE },
          records: [aRun(read.id, T0 - MINUTE, { status: "MISSED" })],
        });
        await store.releaseLease(lease.name, lease.owner);
        await store.startRun(aRun(read.id, T0, { status: "RUNNING" }), { expect: ["DISPATCHED"] });
        await store.updateRun(read.id, T0, { status: "SUCCEEDED" }, { expect: ["RUNNING"] });

        const commands = new Set(requests.map((r) => r.command));
        expect([...commands].sort()).toEqual([
          "DeleteItemCommand",
          "PutItemCommand",
          "QueryCommand",
          "UpdateItemCommand",
        ]);
        const queries = requests.filter((r) => r.command === "QueryCommand");
        expect(queries.map((r) => r.indexName)).toEqual(["due", "due"]);
      },
      { dueShards: 4 },
    );
  });

  it.each([
    ["no final record", 0],
    ["three final records", 3],
  ])(
    "claims with %s in one conditional PutItem per record and one for the schedule",
    async (_, count) => {
      await watched(async ({ store }, requests) => {
        const read = await store.createSchedule(aSchedule("s1"));
        requests.length = 0;
        const records = Array.from({ length: count }, (_, i) =>
          aRun("s1", T0 - (i + 1) * MINUTE, { status: "MISSED" }),
        );
        const result = await store.claim({ schedule: read, changes: {}, records });
        expect(result.claimed).toBe(true);
        expect(requests.map((r) => r.command)).toEqual(Array(count + 1).fill("PutItemCommand"));
      });
    },
  );

  it("starts a run in one UpdateItem, reading nothing first, whether or not the run exists", async () => {
    await watched(async ({ store }, requests) => {
      await store.createRun(aRun("s1", T0, { status: "DISPATCHED", manual: true }));
      requests.length = 0;
      await store.startRun(aRun("s1", T0, { status: "RUNNING" }), { expect: ["DISPATCHED"] });
      await store.startRun(aRun("s2", T0, { status: "RUNNING" }), { expect: ["DISPATCHED"] });
      expect(requests.map((r) => r.command)).toEqual(["UpdateItemCommand", "UpdateItemCommand"]);
    });
  });

  it("reads the recorded shard count once, however many calls need it", async () => {
    await watched(async ({ store }, requests) => {
      await Promise.all([store.dueShards(), store.queryDue({ dueBefore: T0 }), store.dueShards()]);
      await store.createSchedule(aSchedule("s1"));
      const reads = requests.filter((r) => r.command === "GetItemCommand");
      expect(reads).toHaveLength(1);
    });
  });

  it("queryDue reads only the due schedules, one Query per shard, whatever else the table holds", async () => {
    await watched(
      async ({ store }, requests) => {
        await seed(store);
        requests.length = 0;
        const page = await store.queryDue({ dueBefore: T0, limit: 100 });
        expect(page.items).toHaveLength(10);
        expect(requests).toHaveLength(4);
        expect(sum(requests, "scannedCount")).toBe(10);
      },
      { dueShards: 4 },
    );
  });

  it("queryDue of one shard sends one Query per page", async () => {
    await watched(
      async ({ store }, requests) => {
        await seed(store);
        requests.length = 0;
        await store.queryDue({ dueBefore: T0, shard: 2, limit: 100 });
        expect(requests).toHaveLength(1);
      },
      { dueShards: 4 },
    );
  });

  it("queryDue reads few items beyond the page when the due set is larger than the page", async () => {
    await watched(
      async ({ store }, requests) => {
        await seed(store);
        requests.length = 0;
        const { items, pages } = await allPages((cursor) =>
          store.queryDue({ dueBefore: T0, limit: 3, ...(cursor ? { cursor } : {}) }),
        );
        expect(items).toHaveLength(10);
        // Each page reads at most its items, the one after it, and a little read-ahead per shard.
        expect(sum(requests, "scannedCount")).toBeLessThanOrEqual(10 + pages * (1 + 4 * 2));
        expect(requests.every((r) => r.indexName === "due")).toBe(true);
      },
      { dueShards: 4 },
    );
  });

  it("countDue returns no items and stops reading once it reaches max", async () => {
    await watched(
      async ({ store }, requests) => {
        await seed(store);
        requests.length = 0;
        expect(await store.countDue({ dueBefore: T0, max: 3 })).toBe(3);
        expect(sum(requests, "count")).toBe(3);
        expect(sum(requests, "scannedCount")).toBeLessThanOrEqual(3);
        expect(requests.every((r) => r.indexName === "due")).toBe(true);
      },
      { dueShards: 4 },
    );
  });

  it("asks for consumed capacity only when the store is told to", async () => {
    await watched(async ({ store }, requests) => {
      await store.createSchedule(aSchedule("s1"));
      await store.queryDue({ dueBefore: T0 });
      expect(requests.every((r) => r.consumedCapacity === undefined)).toBe(true);
    });
    await watched(
      async ({ store }, requests) => {
        await store.createSchedule(aSchedule("s1"));
        await store.queryDue({ dueBefore: T0 });
        expect(
          requests
            .filter((r) => r.command === "QueryCommand")
            .every((r) => r.consumedCapacity !== undefined),
        ).toBe(true);
      },
      { returnConsumedCapacity: "TOTAL" },
    );
  });
});

describe("the DynamoDB store's errors", () => {
  it.each<[string, (store: ScheduleStore) => Promise<unknown>]>([
    ["getSchedule", (store) => store.getSchedule("s1")],
    ["queryDue", (store) => store.queryDue({ dueBefore: T0 })],
    [
      "claim",
      async (store) =>
        store.claim({
          schedule: { ...aSchedule("s1"), version: 1, updatedAt: T0 },
          changes: {},
          records: [aRun("s1", T0, { status: "MISSED" })],
        }),
    ],
    ["listRuns", (store) => store.listRuns("s1")],
    ["startRun", (store) => store.startRun(aRun("s1", T0), { expect: ["PENDING"] })],
    [
      "acquireLease",
      (store) => store.acquireLease({ name: "tick#0", owner: "a", until: T0 + 1, now: T0 }),
    ],
  ])(
    "%s on a table that does not exist throws StoreError that says how to create it",
    async (_, call) => {
      const client = serialDynamoClient();
      const store = createDynamoStore({ tableName: uniqueName("missing"), client });
      const failed = call(store);
      await expect(failed).rejects.toBeInstanceOf(StoreError);
      await expect(failed).rejects.toThrow(/does not exist.*createScheduleTable/);
      await expect(failed).rejects.toHaveProperty("cause.name", "ResourceNotFoundException");
      client.destroy();
    },
  );

  it("keeps DynamoDB's error as the cause of a lost condition", async () => {
    await watched(async ({ store }) => {
      await store.createSchedule(aSchedule("s1"));
      await store.createRun(aRun("s1", T0, { status: "DISPATCHED" }));
      const cases: [() => Promise<unknown>, RegExp?][] = [
        [() => store.createSchedule(aSchedule("s1"))],
        [() => store.createRun(aRun("s1", T0))],
        [
          () => store.updateRun("s1", T0, { status: "RUNNING" }, { expect: ["PENDING"] }),
          /is DISPATCHED, not one of PENDING/,
        ],
        [
          () => store.startRun(aRun("s1", T0, { status: "RUNNING" }), { expect: ["PENDING"] }),
          /is DISPATCHED, not one of PENDING/,
        ],
      ];
      for (const [call, message] of cases) {
        const failed = call();
        await expect(failed).rejects.toHaveProperty(
          "cause.name",
          "ConditionalCheckFailedException",
        );
        if (message !== undefined) await expect(failed).rejects.toThrow(message);
      }
    });
  });

  it("refuses an item over DynamoDB's 400 KB limit with StoreError", async () => {
    await watched(async ({ store }) => {
      const created = store.createSchedule(
        aSchedule("huge", { payload: largePayload(450 * 1024) }),
      );
      await expect(created).rejects.toBeInstanceOf(StoreError);
      await expect(created).rejects.toHaveProperty("cause.name", "ValidationException");
    });
  });
});
