/**
 * The shard count of the due index, recorded in the table itself. Schedules are placed on the
 * index by a hash of their id modulo the shard count, so a writer that used another count would
 * place schedules where no tick looks. The first store to open a table records its count; every
 * later one adopts it, and one configured explicitly with another count refuses to work.
 */
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { ConfigurationError, ConflictError, StoreError } from "../../errors.js";
import { CONFIG_KEY } from "./codec.js";
import { type DynamoContext, request } from "./context.js";

/**
 * Shards of the due index of a new table: enough that a burst of 100,000 schedules due at one
 * instant stays under DynamoDB's ~1,000 writes/s per partition key when claimed within a minute.
 */
export const DEFAULT_DUE_SHARDS = 32;

const isShardCount = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 1;

/**
 * Checks an explicit `dueShards` option; ConfigurationError when it cannot be a shard count.
 * Undefined means "whatever the table records".
 */
export function checkDueShardsOption(value: number | undefined): number | undefined {
  if (value === undefined || isShardCount(value)) return value;
  throw new ConfigurationError(`dueShards must be a whole number ≥ 1, got ${String(value)}`);
}

/**
 * The table's shard count, read at first use and kept (a failed read is retried by the next
 * call). On a table without one, records `configured` (default {@link DEFAULT_DUE_SHARDS}).
 * Throws ConfigurationError when `configured` is given and differs from the recorded count.
 */
export function recordedDueShards(
  context: Omit<DynamoContext, "dueShards">,
  configured: number | undefined,
): () => Promise<number> {
  let recorded: Promise<number> | undefined;
  return () => {
    recorded ??= readOrRecord(context, configured).catch((error: unknown) => {
      recorded = undefined;
      throw error;
    });
    return recorded;
  };
}

async function readOrRecord(
  context: Omit<DynamoContext, "dueShards">,
  configured: number | undefined,
): Promise<number> {
  const found = await readConfig(context);
  if (found !== undefined) return adopt(context.tableName, found, configured);
  const shards = configured ?? DEFAULT_DUE_SHARDS;
  try {
    await request(context, { name: "dueShards" }, (doc) =>
      doc.send(
        new PutCommand({
          TableName: context.tableName,
          Item: { ...CONFIG_KEY, dueShards: shards },
          ConditionExpression: "attribute_not_exists(pk)",
          ...context.capacity,
        }),
      ),
    );
    return shards;
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
  // Another store recorded its count first: that one holds.
  const raced = await readConfig(context);
  if (raced === undefined) {
    throw new StoreError(
      `table "${context.tableName}" refused to record its due shard count but holds none; retry`,
    );
  }
  return adopt(context.tableName, raced, configured);
}

async function readConfig(context: Omit<DynamoContext, "dueShards">): Promise<unknown> {
  const out = await request(context, { name: "dueShards" }, (doc) =>
    doc.send(
      new GetCommand({
        TableName: context.tableName,
        Key: CONFIG_KEY,
        ConsistentRead: true,
        ...context.capacity,
      }),
    ),
  );
  return out.Item === undefined ? undefined : (out.Item.dueShards ?? null);
}

function adopt(tableName: string, found: unknown, configured: number | undefined): number {
  if (!isShardCount(found)) {
    throw new StoreError(
      `table "${tableName}" has a CONFIG item whose dueShards (${JSON.stringify(found)}) is not a whole number ≥ 1: set it to the shard count its schedules were written with`,
    );
  }
  if (configured !== undefined && configured !== found) {
    throw new ConfigurationError(
      `table "${tableName}" records ${found} due shards, but this process was configured with ${configured} (DUE_SHARDS in the stack, LAMBDA_SCHEDULER_DUE_SHARDS for the CLI): remove the setting or set it to ${found}`,
    );
  }
  return found;
}
