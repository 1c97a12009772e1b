/**
 * The tick's reads: due schedules and PENDING runs, each from its sparse sharded index, merged
 * in index order (see shards.ts). Queries only: neither ever scans the table.
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { PAGE_SIZE, pageSize } from "../records.js";
import type {
  ListPendingRunsOptions,
  Page,
  QueryDueOptions,
  RunRecord,
  ScheduleRecord,
} from "../types.js";
import { decodeRun, decodeSchedule, type Item, type Key } from "./codec.js";
import { type DynamoContext, request } from "./context.js";
import { queryShards } from "./shards.js";
import { SCHEDULE_TABLE } from "./table.js";

type Index = (typeof SCHEDULE_TABLE.indexes)[keyof typeof SCHEDULE_TABLE.indexes];

/** One page of `index` with its sort key at or before `upTo`, ascending across shards. */
async function readIndex(
  context: DynamoContext,
  operation: string,
  index: Index,
  upTo: number,
  options: { readonly limit: number; readonly cursor: string | undefined },
): Promise<{ items: Item[]; cursor?: string }> {
  const { partitionKey, sortKey } = index;
  return queryShards({
    shards: context.shards,
    limit: options.limit,
    cursor: options.cursor,
    order: (item) => item[sortKey] as number,
    keyOf: (item) => ({
      pk: item.pk as string,
      sk: item.sk as string,
      [partitionKey]: item[partitionKey] as string,
      [sortKey]: item[sortKey] as number,
    }),
    read: async (shard, start, limit) => {
      const out = await request(context, { name: operation }, (doc) =>
        doc.send(
          new QueryCommand({
            TableName: context.tableName,
            IndexName: index.name,
            KeyConditionExpression: `${partitionKey} = :shard AND ${sortKey} <= :upTo`,
            ExpressionAttributeValues: { ":shard": shard, ":upTo": upTo },
            Limit: limit,
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
            ...context.capacity,
          }),
        ),
      );
      return { items: out.Items ?? [], last: out.LastEvaluatedKey as Key | undefined };
    },
  });
}

export async function queryDue(
  context: DynamoContext,
  options: QueryDueOptions,
): Promise<Page<ScheduleRecord>> {
  const page = await readIndex(context, "queryDue", SCHEDULE_TABLE.indexes.due, options.dueBefore, {
    limit: pageSize(options.limit, PAGE_SIZE.due),
    cursor: options.cursor,
  });
  return { ...page, items: page.items.map(decodeSchedule) };
}

export async function listPendingRuns(
  context: DynamoContext,
  options: ListPendingRunsOptions,
): Promise<Page<RunRecord>> {
  const index = SCHEDULE_TABLE.indexes.pending;
  const page = await readIndex(context, "listPendingRuns", index, options.createdBefore, {
    limit: pageSize(options.limit, PAGE_SIZE.pending),
    cursor: options.cursor,
  });
  return { ...page, items: page.items.map(decodeRun) };
}
