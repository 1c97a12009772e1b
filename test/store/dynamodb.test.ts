/**
 * The DynamoDB store against the local AWS emulator (moto server, over HTTP): the contract, then
 * what only DynamoDB has: the table, the shards, request counts, and error translation.
 *
 * The emulator applies concurrent transactions without isolation (measured: of 200 rounds of
 * three racing TransactWriteItems on one item, about 5 let two win), which DynamoDB never does.
 * So the stores here talk to it over one connection: requests still race in the store, but
 * reach the emulator one at a time. Its Query also scans internally, so these tests count items
 * and requests and never time them, and keep tables small.
 */
import { Agent } from "node:http";
import {
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors.js";
import { shardOf } from "../../src/store/dynamodb/codec.js";
import {
  createDynamoStore,
  createScheduleTable,
  type DynamoRequest,
  observeDynamoRequests,
  SCHEDULE_TABLE_SCHEMA,
} from "../../src/store/dynamodb/store.js";
import type { ScheduleStore } from "../../src/store/types.js";
import { awsClientConfig, uniqueName } from "../support/aws.js";
import { describeStoreContract } from "./contract.js";
import { allPages, aRun, aSchedule, createAll, largePayload, MINUTE, T0 } from "./fixtures.js";

/** A client that sends one request at a time (see above). */
function emulatorClient(): DynamoDBClient {
  return new DynamoDBClient({
    ...awsClientConfig(),
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }) },
  });
}

interface TableFixture {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly store: ScheduleStore;
  cleanup(): Promise<void>;
}

async function withTable(
  storeOptions: { dueShards?: number; returnConsumedCapacity?: "TOTAL" } = {},
): Promise<TableFixture> {
  const client = emulatorClient();
  const tableName = uniqueName("schedules");
  await createScheduleTable(client, tableName);
  const store = createDynamoStore({ tableName, client, ...storeOptions });
  return {
    client,
    tableName,
    store,
    cleanup: async () => {
      await store.close();
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
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

describe("the DynamoDB store's requests", () => {
  /** 10 due, 30 due later, 10 paused with a past dueAt, and 20 runs (5 PENDING). */
  async function seed(store: ScheduleStore): Promise<void> {
    for (let i = 0; i < 10; i += 1)
      await store.createSchedule(aSchedule(`due-${i}`, { dueAt: T0 - i * 1_000 }));
    for (let i = 0; i < 30; i += 1)
      await store.createSchedule(aSchedule(`later-${i}`, { dueAt: T0 + (i + 1) * MINUTE }));
    for (let i = 0; i < 10; i += 1)
      await store.createSchedule(aSchedule(`paused-${i}`, { state: "PAUSED", dueAt: T0 - MINUTE }));
    for (let i = 0; i < 20; i += 1) {
      await store.createRun(
        aRun("later-0", T0 - i * MINUTE, {
          status: i < 5 ? "PENDING" : "SUCCEEDED",
          createdAt: T0 - i,
        }),
      );
    }
  }

  it("never scans on the tick's path, and reads the table only through Query, Get and writes", async () => {
    await watched(async ({ store }, requests) => {
      await seed(store);
      requests.length = 0;
      const due = await store.queryDue({ dueBefore: T0 });
      const pending = await store.listPendingRuns({ createdBefore: T0 });
      const read = due.items[0];
      if (read === undefined) throw new Error("nothing due");
      await store.claim({
        schedule: read,
        changes: { nextRunAt: T0 + MINUTE, dueAt: T0 + MINUTE },
        runs: [aRun(read.id, T0)],
      });
      await store.updateRun(read.id, T0, { status: "DISPATCHED" }, { expect: ["PENDING"] });
      await store.getRun(read.id, T0);
      await store.updateRun(read.id, T0, { status: "RUNNING" }, { expect: ["DISPATCHED"] });
      expect(pending.items).toHaveLength(5);

      const commands = new Set(requests.map((r) => r.command));
      expect([...commands].sort()).toEqual([
        "GetItemCommand",
        "QueryCommand",
        "TransactWriteItemsCommand",
        "UpdateItemCommand",
      ]);
      expect(requests.filter((r) => r.command === "QueryCommand").map((r) => r.indexName)).toEqual([
        ...Array(4).fill("due"),
        ...Array(4).fill("pending"),
      ]);
    });
  });

  it("queryDue reads only the due schedules, one Query per shard, whatever else the table holds", async () => {
    await watched(async ({ store }, requests) => {
      await seed(store);
      requests.length = 0;
      const page = await store.queryDue({ dueBefore: T0, limit: 100 });
      expect(page.items).toHaveLength(10);
      expect(requests).toHaveLength(4);
      expect(sum(requests, "scannedCount")).toBe(10);
    });
  });

  it("queryDue reads few items beyond the page when the due set is larger than the page", async () => {
    await watched(async ({ store }, requests) => {
      await seed(store);
      requests.length = 0;
      const { items, pages } = await allPages((cursor) =>
        store.queryDue({ dueBefore: T0, limit: 3, ...(cursor ? { cursor } : {}) }),
      );
      expect(items).toHaveLength(10);
      // Each page reads at most its items, the one after it, and a little read-ahead per shard.
      expect(sum(requests, "scannedCount")).toBeLessThanOrEqual(10 + pages * (1 + 4 * 2));
      expect(requests.every((r) => r.indexName === "due")).toBe(true);
    });
  });

  it("listPendingRuns reads only PENDING runs", async () => {
    await watched(async ({ store }, requests) => {
      await seed(store);
      requests.length = 0;
      const page = await store.listPendingRuns({ createdBefore: T0 });
      expect(page.items).toHaveLength(5);
      expect(sum(requests, "scannedCount")).toBe(5);
    });
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
          runs: [],
        }),
    ],
    ["listRuns", (store) => store.listRuns("s1")],
  ])(
    "%s on a table that does not exist throws StoreError that says how to create it",
    async (_, call) => {
      const client = emulatorClient();
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
      const cases = [
        store.createSchedule(aSchedule("s1")),
        store.createRun(aRun("s1", T0)),
        store.updateRun("s1", T0, { status: "RUNNING" }, { expect: ["PENDING"] }),
      ];
      for (const failed of cases) {
        await expect(failed).rejects.toHaveProperty(
          "cause.name",
          "ConditionalCheckFailedException",
        );
      }
      await expect(cases[2]).rejects.toThrow(/is DISPATCHED, not one of PENDING/);
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
