/**
 * `listSchedules` on DynamoDB: for people and the CLI, never the tick. The order it promises
 * (by next run) is no index's, so each page reads every matching schedule and sorts them: the
 * `due` index for ENABLED schedules, otherwise a Scan of the whole table.
 */
import { QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { decodeCursor } from "../cursor.js";
import {
  isListPosition,
  matchesScheduleFilter,
  PAGE_SIZE,
  pageOfSchedules,
  pageSize,
} from "../records.js";
import type { ListSchedulesOptions, Page, ScheduleRecord } from "../types.js";
import { SCHEDULE_STATE } from "../types.js";
import { decodeSchedule, type Item, type Key } from "./codec.js";
import { type DynamoContext, request } from "./context.js";
import { SCHEDULE_TABLE } from "./table.js";

export async function listSchedules(
  context: DynamoContext,
  options: ListSchedulesOptions,
): Promise<Page<ScheduleRecord>> {
  const limit = pageSize(options.limit, PAGE_SIZE.schedules);
  const after =
    options.cursor === undefined ? undefined : decodeCursor(options.cursor, isListPosition);
  const items =
    options.state === SCHEDULE_STATE.ENABLED
      ? await readDueIndex(context, options)
      : await scanSchedules(context, options);
  const matching = items.map(decodeSchedule).filter((r) => matchesScheduleFilter(r, options));
  return pageOfSchedules(matching, after, limit);
}

/** The FilterExpression parts for `listSchedules` filters other than the state. */
function filterOf(
  options: ListSchedulesOptions,
  names: Record<string, string>,
  values: Record<string, unknown>,
): string[] {
  const parts: string[] = [];
  if (options.job !== undefined) {
    names["#job"] = "job";
    values[":job"] = options.job;
    parts.push("#job = :job");
  }
  if (options.dueBefore !== undefined) {
    names["#nextRunAt"] = "nextRunAt";
    values[":dueBefore"] = options.dueBefore;
    parts.push("#nextRunAt <= :dueBefore");
  }
  return parts;
}

/** Every ENABLED schedule on the due index that passes the filters. */
async function readDueIndex(
  context: DynamoContext,
  options: ListSchedulesOptions,
): Promise<Item[]> {
  const shards = Array.from({ length: await context.dueShards() }, (_, i) => String(i));
  const perShard = await Promise.all(
    shards.map(async (shard) => {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ":shard": shard };
      const filter = filterOf(options, names, values);
      return readAll(
        context,
        (start) =>
          new QueryCommand({
            TableName: context.tableName,
            IndexName: SCHEDULE_TABLE.indexes.due.name,
            KeyConditionExpression: "dueShard = :shard",
            ExpressionAttributeValues: values,
            ...(filter.length > 0
              ? { FilterExpression: filter.join(" AND "), ExpressionAttributeNames: names }
              : {}),
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
            ...context.capacity,
          }),
      );
    }),
  );
  return perShard.flat();
}

/** Every schedule item in the table that passes the filters: a full, paginated Scan. */
async function scanSchedules(
  context: DynamoContext,
  options: ListSchedulesOptions,
): Promise<Item[]> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ":sk": SCHEDULE_TABLE.keyPrefix.scheduleItem };
  const filter = ["sk = :sk", ...filterOf(options, names, values)];
  if (options.state !== undefined) {
    names["#state"] = "state";
    values[":state"] = options.state;
    filter.push("#state = :state");
  }
  return readAll(
    context,
    (start) =>
      new ScanCommand({
        TableName: context.tableName,
        FilterExpression: filter.join(" AND "),
        ExpressionAttributeValues: values,
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        ...context.capacity,
      }),
  );
}

/** Follows `LastEvaluatedKey` to the end. */
async function readAll(
  context: DynamoContext,
  command: (start: Key | undefined) => QueryCommand | ScanCommand,
): Promise<Item[]> {
  const items: Item[] = [];
  let start: Key | undefined;
  do {
    const next = command(start);
    const out = await request(context, { name: "listSchedules" }, (doc) =>
      next instanceof QueryCommand ? doc.send(next) : doc.send(next),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey as Key | undefined;
  } while (start !== undefined);
  return items;
}
