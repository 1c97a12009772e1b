/**
 * The runs index across schedules (`queryRuns`): a sparse GSI that only runs in a status of
 * {@link RUN_INDEXED} are on. A run is on it while it carries `runShard` (`<STATUS>#<n>`), which
 * every write of its status sets or removes; a run that goes RUNNING → SUCCEEDED never carries
 * it, so it pays no index write. Each status is spread over {@link RUN_INDEX_SHARDS} partitions
 * so that a burst of failures (every run RETRYING at once in an outage) stays under one
 * partition's write rate; a page is their merge (shards.ts). The index projects only the keys,
 * `job` and `expiresAt` (what the filters read), so a page is then read whole from the table.
 */
import { BatchGetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { StoreError } from "../../errors.js";
import { PAGE_SIZE, pageSize, queriedRunStatuses } from "../records.js";
import type { Page, QueryRunsOptions, RunRecord } from "../types.js";
import { decodeRun, type Item, type Key, RUN_INDEX_SHARDS } from "./codec.js";
import { type DynamoContext, request } from "./context.js";
import { queryShards } from "./shards.js";
import { SCHEDULE_TABLE } from "./table.js";

const RUNS = SCHEDULE_TABLE.indexes.runs;

/**
 * One page of `queryRuns`: the partitions of the statuses asked for, each read newest first and
 * merged. `job` and the expiry are filters applied after the read; `since` is a key condition.
 */
export async function queryRuns(
  context: DynamoContext,
  options: QueryRunsOptions,
): Promise<Page<RunRecord>> {
  const limit = pageSize(options.limit, PAGE_SIZE.runs);
  const partitions = queriedRunStatuses(options).flatMap((status) =>
    Array.from({ length: RUN_INDEX_SHARDS }, (_, n) => `${status}#${n}`),
  );
  const nowSeconds = Math.floor(context.clock.now().getTime() / 1_000);
  const names: Record<string, string> = { "#expiresAt": "expiresAt" };
  const values: Record<string, unknown> = { ":now": nowSeconds };
  let filter = "(attribute_not_exists(#expiresAt) OR #expiresAt > :now)";
  if (options.job !== undefined) {
    names["#job"] = "job";
    values[":job"] = options.job;
    filter += " AND #job = :job";
  }
  const since = options.since === undefined ? "" : " AND scheduledAt >= :since";
  if (options.since !== undefined) values[":since"] = options.since;

  const page = await queryShards({
    shards: partitions,
    limit,
    cursor: options.cursor,
    // The merge takes the smallest first: newest first is the largest scheduledAt.
    order: (item) => -(item.scheduledAt as number),
    keyOf: (item) => ({
      pk: item.pk as string,
      sk: item.sk as string,
      runShard: item.runShard as string,
      scheduledAt: item.scheduledAt as number,
    }),
    read: async (partition, start, readLimit) => {
      const out = await request(context, { name: "queryRuns" }, (doc) =>
        doc.send(
          new QueryCommand({
            TableName: context.tableName,
            IndexName: RUNS.name,
            KeyConditionExpression: `runShard = :partition${since}`,
            FilterExpression: filter,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ...values, ":partition": partition },
            ScanIndexForward: false,
            Limit: readLimit,
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
            ...context.capacity,
          }),
        ),
      );
      return { items: out.Items ?? [], last: out.LastEvaluatedKey as Key | undefined };
    },
  });
  const items = (await readWhole(context, page.items)).map(decodeRun);
  return page.cursor === undefined ? { items } : { items, cursor: page.cursor };
}

/** BatchGetItem's largest request. */
const BATCH_GET_KEYS = 100;
/** Rounds of retrying the keys BatchGetItem leaves unprocessed (throttling) before failing. */
const BATCH_GET_ROUNDS = 5;

/**
 * The table's items behind `entries` (index entries), in their order, each read consistently;
 * a run deleted since the index was read (its schedule removed) is left out.
 */
async function readWhole(context: DynamoContext, entries: readonly Item[]): Promise<Item[]> {
  const found = new Map<string, Item>();
  const id = (item: Item) => `${item.pk as string}\u0000${item.sk as string}`;
  for (let at = 0; at < entries.length; at += BATCH_GET_KEYS) {
    let keys: Key[] = entries
      .slice(at, at + BATCH_GET_KEYS)
      .map((entry) => ({ pk: entry.pk as string, sk: entry.sk as string }));
    for (let round = 0; keys.length > 0; round++) {
      if (round === BATCH_GET_ROUNDS) {
        throw new StoreError(
          `DynamoDB left ${keys.length} runs of ${context.tableName} unread after ${BATCH_GET_ROUNDS} BatchGetItem rounds (throttled?): try again`,
        );
      }
      const out = await request(context, { name: "queryRuns" }, (doc) =>
        doc.send(
          new BatchGetCommand({
            RequestItems: { [context.tableName]: { Keys: keys, ConsistentRead: true } },
            ...context.capacity,
          }),
        ),
      );
      for (const item of out.Responses?.[context.tableName] ?? []) found.set(id(item), item);
      keys = (out.UnprocessedKeys?.[context.tableName]?.Keys ?? []) as Key[];
    }
  }
  return entries
    .map((entry) => found.get(id(entry)))
    .filter((item): item is Item => item !== undefined);
}
