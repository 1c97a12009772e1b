/**
 * The DynamoDB table the store needs: its keys, its sparse due index and its TTL attribute,
 * described once. `createScheduleTable` (tests, CLI) and template.yaml both follow
 * {@link SCHEDULE_TABLE}, and a test checks the template against it.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { StoreError } from "../../errors.js";

/**
 * The layout of the schedule table.
 *
 * - Schedule item: `pk = SCHEDULE#<id>`, `sk = SCHEDULE`.
 * - Run item: `pk = SCHEDULE#<id>`, `sk = RUN#<scheduled ISO time>`, so one Query reads a
 *   schedule's history newest first, and `expiresAt` (epoch seconds) lets DynamoDB purge it.
 * - Lease item: `pk = LEASE#<name>`, `sk = LEASE`, with `owner` and `until` (epoch ms): which
 *   tick works a due shard.
 * - Configuration item: `pk = CONFIG`, `sk = CONFIG`, with `dueShards`: the shard count every
 *   writer places schedules by, recorded at first use.
 * - `due` (sparse): only ENABLED schedules with a `dueAt` carry `dueShard`, "0".."N-1" from a
 *   hash of the id; the tick queries each shard for `dueAt <= now`. It projects every
 *   attribute, so a tick reads a due schedule in one request. No other item is on it.
 * - `runs` (sparse): only run items in a status a person acts on (FAILED, RETRYING, …: see
 *   `RUN_INDEXED`) carry `runShard`, `<STATUS>#<n>`; sorted on `scheduledAt`, so `runs` lists
 *   them across schedules newest first. A run that succeeds never carries it. All attributes
 *   are projected: a listing reads each run in the one Query.
 */
export const SCHEDULE_TABLE = {
  partitionKey: "pk",
  sortKey: "sk",
  /** Every key attribute and its DynamoDB type. */
  attributes: {
    pk: "S",
    sk: "S",
    dueShard: "S",
    dueAt: "N",
    runShard: "S",
    scheduledAt: "N",
  },
  indexes: {
    due: { name: "due", partitionKey: "dueShard", sortKey: "dueAt", projection: "ALL" },
    // Only what queryRuns filters on: a write that changes no key or projected attribute of an
    // indexed run (its error, its unreported marker, a retry's count) writes nothing to the
    // index, and what it does write is small, whatever the run's error stack weighs. A page
    // then reads the whole runs from the table.
    runs: {
      name: "runs",
      partitionKey: "runShard",
      sortKey: "scheduledAt",
      projection: "INCLUDE",
      nonKeyAttributes: ["job", "expiresAt"],
    },
  },
  ttlAttribute: "expiresAt",
  billingMode: "PAY_PER_REQUEST",
  keyPrefix: {
    schedule: "SCHEDULE#",
    scheduleItem: "SCHEDULE",
    run: "RUN#",
    lease: "LEASE#",
    leaseItem: "LEASE",
    config: "CONFIG",
  },
} as const;

type Index = (typeof SCHEDULE_TABLE.indexes)[keyof typeof SCHEDULE_TABLE.indexes];
const keySchema = (partitionKey: string, sortKey: string) => [
  { AttributeName: partitionKey, KeyType: "HASH" as const },
  { AttributeName: sortKey, KeyType: "RANGE" as const },
];
const indexSchema = (index: Index) => ({
  IndexName: index.name,
  KeySchema: keySchema(index.partitionKey, index.sortKey),
  Projection:
    "nonKeyAttributes" in index
      ? { ProjectionType: index.projection, NonKeyAttributes: [...index.nonKeyAttributes] }
      : { ProjectionType: index.projection },
});

/**
 * {@link SCHEDULE_TABLE} in the shapes of `CreateTable` and `DescribeTable`, to compare a deployed
 * table (or template.yaml's `AWS::DynamoDB::Table`) with what the store expects.
 */
export const SCHEDULE_TABLE_SCHEMA = {
  KeySchema: keySchema(SCHEDULE_TABLE.partitionKey, SCHEDULE_TABLE.sortKey),
  AttributeDefinitions: Object.entries(SCHEDULE_TABLE.attributes).map(([name, type]) => ({
    AttributeName: name,
    AttributeType: type,
  })),
  GlobalSecondaryIndexes: [
    indexSchema(SCHEDULE_TABLE.indexes.due),
    indexSchema(SCHEDULE_TABLE.indexes.runs),
  ],
  BillingMode: SCHEDULE_TABLE.billingMode,
  ttlAttribute: SCHEDULE_TABLE.ttlAttribute,
} as const;

/** The `CreateTable` request for a schedule table named `tableName` (on-demand capacity). */
export function scheduleTableInput(tableName: string): CreateTableCommandInput {
  const { ttlAttribute: _ttl, ...schema } = SCHEDULE_TABLE_SCHEMA;
  return {
    TableName: tableName,
    ...schema,
    KeySchema: [...schema.KeySchema],
    AttributeDefinitions: [...schema.AttributeDefinitions],
    GlobalSecondaryIndexes: [...schema.GlobalSecondaryIndexes],
  };
}

/** Options of {@link createScheduleTable}. */
export interface CreateScheduleTableOptions {
  /** Succeed without changes when the table exists already. Default false. */
  readonly ifNotExists?: boolean;
  /** How long to wait for the table to become ACTIVE. Default 300. */
  readonly maxWaitSeconds?: number;
}

/**
 * Creates the schedule table, waits until it is ACTIVE and turns on TTL for run records.
 * Throws {@link StoreError} (with `cause`) when it exists, unless `ifNotExists`.
 *
 * @example
 * await createScheduleTable(new DynamoDBClient({}), "schedules", { ifNotExists: true });
 */
export async function createScheduleTable(
  client: DynamoDBClient,
  tableName: string,
  options: CreateScheduleTableOptions = {},
): Promise<void> {
  try {
    await client.send(new CreateTableCommand(scheduleTableInput(tableName)));
  } catch (error) {
    if (error instanceof ResourceInUseException && options.ifNotExists) return;
    throw new StoreError(
      `cannot create DynamoDB table "${tableName}": ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  try {
    await waitUntilTableExists(
      { client, maxWaitTime: options.maxWaitSeconds ?? 300, minDelay: 1 },
      { TableName: tableName },
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: SCHEDULE_TABLE.ttlAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    throw new StoreError(
      `DynamoDB table "${tableName}" was created but is not ready: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
