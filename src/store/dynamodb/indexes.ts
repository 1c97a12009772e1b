/**
 * The tick's reads of the due index: a page of due schedules, merged in `dueAt` order across
 * shards (see shards.ts) or from one shard, and a bounded count. Queries only: never a scan.
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { PAGE_SIZE, pageSize } from "../records.js";
import type { CountDueOptions, Page, QueryDueOptions, ScheduleRecord } from "../types.js";
import { decodeSchedule, type Key } from "./codec.js";
import { type DynamoContext, request } from "./context.js";
import { queryShards } from "./shards.js";
import { SCHEDULE_TABLE } from "./table.js";

const DUE = SCHEDULE_TABLE.indexes.due;

/** The shards a read covers: the one asked for, else all of them. */
async function shardsOf(context: DynamoContext, shard: number | undefined): Promise<string[]> {
  if (shard !== undefined) return [String(shard)];
  return Array.from({ length: await context.dueShards() }, (_, i) => String(i));
}

export async function queryDue(
  context: DynamoContext,
  options: QueryDueOptions,
): Promise<Page<ScheduleRecord>> {
  const page = await queryShards({
    shards: await shardsOf(context, options.shard),
    limit: pageSize(options.limit, PAGE_SIZE.due),
    cursor: options.cursor,
    order: (item) => item.dueAt as number,
    keyOf: (item) => ({
      pk: item.pk as string,
      sk: item.sk as string,
      dueShard: item.dueShard as string,
      dueAt: item.dueAt as number,
    }),
    read: async (shard, start, limit) => {
      const out = await request(context, { name: "queryDue" }, (doc) =>
        doc.send(
          new QueryCommand({
            TableName: context.tableName,
            IndexName: DUE.name,
            KeyConditionExpression: "dueShard = :shard AND dueAt <= :upTo",
            ExpressionAttributeValues: { ":shard": shard, ":upTo": options.dueBefore },
            Limit: limit,
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
            ...context.capacity,
          }),
        ),
      );
      return { items: out.Items ?? [], last: out.LastEvaluatedKey as Key | undefined };
    },
  });
  return { ...page, items: page.items.map(decodeSchedule) };
}

/**
 * Counts due schedules shard after shard with `Select: COUNT` (DynamoDB still reads the items,
 * but returns none), and stops reading once `max` is reached.
 */
export async function countDue(context: DynamoContext, options: CountDueOptions): Promise<number> {
  const max = Math.max(0, Math.floor(options.max));
  let count = 0;
  for (const shard of await shardsOf(context, options.shard)) {
    let start: Key | undefined;
    do {
      if (count >= max) return max;
      const out = await request(context, { name: "countDue" }, (doc) =>
        doc.send(
          new QueryCommand({
            TableName: context.tableName,
            IndexName: DUE.name,
            KeyConditionExpression: "dueShard = :shard AND dueAt <= :upTo",
            ExpressionAttributeValues: { ":shard": shard, ":upTo": options.dueBefore },
            Select: "COUNT",
            Limit: max - count,
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
            ...context.capacity,
          }),
        ),
      );
      count += out.Count ?? 0;
      start = out.LastEvaluatedKey as Key | undefined;
    } while (start !== undefined);
  }
  return Math.min(count, max);
}
