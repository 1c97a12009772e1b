/**
 * The DynamoDB store's run records: single-item reads and conditional writes (a start creates
 * or takes over the item in one UpdateItem), a schedule's history from its partition, and batch
 * deletion with the schedule.
 */
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { ConflictError, StoreError } from "../../errors.js";
import {
  PAGE_SIZE,
  pageOf,
  pageSize,
  type RunCondition,
  runExistsError,
  runRefusedError,
  runsBefore,
  storedRun,
} from "../records.js";
import type { ListRunsOptions, Page, RunChanges, RunRecord, RunStatus } from "../types.js";
import { RUN_STATUS } from "../types.js";
import {
  decodeRun,
  encodeField,
  encodeRun,
  type Item,
  type Key,
  runKey,
  runShardOf,
  runSortKey,
} from "./codec.js";
import { type DynamoContext, request } from "./context.js";
import { SCHEDULE_TABLE } from "./table.js";

const FIXED: ReadonlySet<string> = new Set([
  "runId",
  "scheduleId",
  "scheduledAt",
  "job",
  "createdAt",
  "updatedAt",
]);

export async function createRun(context: DynamoContext, run: RunRecord): Promise<RunRecord> {
  const created = storedRun(run);
  try {
    await request(context, { name: "createRun", scheduleId: run.scheduleId }, (doc) =>
      doc.send(
        new PutCommand({
          TableName: context.tableName,
          Item: encodeRun(created),
          ConditionExpression: "attribute_not_exists(pk)",
          ...context.capacity,
        }),
      ),
    );
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    throw runExistsError(created.runId, run.scheduleId, { cause: error.cause });
  }
  return created;
}

export async function getRun(
  context: DynamoContext,
  scheduleId: string,
  scheduledAt: number,
): Promise<RunRecord | undefined> {
  const out = await request(context, { name: "getRun", scheduleId }, (doc) =>
    doc.send(
      new GetCommand({
        TableName: context.tableName,
        Key: runKey(scheduleId, scheduledAt),
        ConsistentRead: true,
        ...context.capacity,
      }),
    ),
  );
  return out.Item === undefined ? undefined : decodeRun(out.Item);
}

/** The alternatives under which a stored run may change: an expected status, or stale RUNNING. */
function alternativesOf(
  condition: RunCondition,
  names: Record<string, string>,
  values: Record<string, unknown>,
): string[] {
  const alternatives: string[] = [];
  names["#status"] = "status";
  if (condition.expect.length > 0) {
    const marks = condition.expect.map((status, i) => {
      values[`:expect${i}`] = status;
      return `:expect${i}`;
    });
    alternatives.push(`#status IN (${marks.join(", ")})`);
  }
  if (condition.staleRunningBefore !== undefined) {
    values[":running"] = RUN_STATUS.RUNNING;
    values[":stale"] = condition.staleRunningBefore;
    names["#startedAt"] = "startedAt";
    alternatives.push("(#status = :running AND #startedAt < :stale)");
  }
  return alternatives;
}

/** The old item's status from a failed condition's `ALL_OLD` (wire format: `{ S: "RUNNING" }`). */
function statusOnFailure(error: ConflictError): string | undefined {
  return (error.cause as { Item?: { status?: { S?: string } } }).Item?.status?.S;
}

export async function updateRun(
  context: DynamoContext,
  scheduleId: string,
  scheduledAt: number,
  changes: RunChanges,
  condition: RunCondition,
): Promise<RunRecord> {
  const names: Record<string, string> = { "#updatedAt": "updatedAt" };
  const values: Record<string, unknown> = {
    ":updatedAt": changes.updatedAt ?? context.clock.now().getTime(),
  };
  const refused = (status: string, cause?: unknown) =>
    runRefusedError(
      scheduleId,
      scheduledAt,
      condition,
      status,
      cause === undefined ? undefined : { cause },
    );
  const alternatives = alternativesOf(condition, names, values);
  if (alternatives.length === 0) throw refused("cannot change: nothing is expected");
  const conditionExpression = `attribute_exists(pk) AND (${alternatives.join(" OR ")})`;

  const set = ["#updatedAt = :updatedAt"];
  const remove: string[] = [];
  for (const [field, value] of Object.entries(changes)) {
    if (FIXED.has(field)) continue;
    names[`#${field}`] = field;
    if (value === undefined) remove.push(`#${field}`);
    else {
      values[`:set_${field}`] = encodeField(field, value);
      set.push(`#${field} = :set_${field}`);
    }
  }
  if (changes.status !== undefined) {
    indexUpdate(scheduleId, changes.status, names, values, set, remove);
  }
  return conditionalUpdate(
    context,
    { name: "updateRun", scheduleId, scheduledAt },
    {
      UpdateExpression: `SET ${set.join(", ")}${remove.length > 0 ? ` REMOVE ${remove.join(", ")}` : ""}`,
      ConditionExpression: conditionExpression,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
    (status, cause) => refused(status === undefined ? "does not exist" : `is ${status}`, cause),
  );
}

/**
 * One conditional UpdateItem of a run that returns the run as written; a failed condition
 * becomes the error `refused` makes of the run's status then (undefined: there was no run).
 */
async function conditionalUpdate(
  context: DynamoContext,
  target: { readonly name: string; readonly scheduleId: string; readonly scheduledAt: number },
  update: {
    readonly UpdateExpression: string;
    readonly ConditionExpression: string;
    readonly ExpressionAttributeNames: Record<string, string>;
    readonly ExpressionAttributeValues: Record<string, unknown>;
  },
  refused: (status: string | undefined, cause: unknown) => Error,
): Promise<RunRecord> {
  const { name, scheduleId, scheduledAt } = target;
  try {
    const out = await request(context, { name, scheduleId }, (doc) =>
      doc.send(
        new UpdateCommand({
          TableName: context.tableName,
          Key: runKey(scheduleId, scheduledAt),
          ...update,
          ReturnValues: "ALL_NEW",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          ...context.capacity,
        }),
      ),
    );
    return decodeRun(out.Attributes as Item);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    throw refused(statusOnFailure(error), error.cause);
  }
}

/**
 * Puts the run on the runs index for its new `status`, or takes it off: a SET or REMOVE of
 * `runShard`. Removing an attribute the item does not have costs no index write, so a run that
 * goes RUNNING → SUCCEEDED pays nothing for the index.
 */
function indexUpdate(
  scheduleId: string,
  status: RunStatus,
  names: Record<string, string>,
  values: Record<string, unknown>,
  set: string[],
  remove: string[],
): void {
  const shard = runShardOf(scheduleId, status);
  names["#runShard"] = "runShard";
  if (shard === undefined) remove.push("#runShard");
  else {
    values[":set_runShard"] = shard;
    set.push("#runShard = :set_runShard");
  }
}

/** Fields of a started run that a run-now record's values win over (see `startRun`). */
const KEPT_IF_STORED: ReadonlySet<string> = new Set(["createdAt", "job", "manual", "payload"]);

/**
 * `startRun` as one UpdateItem, which creates the item when it is absent: `run`'s fields are
 * SET, except that `createdAt`, `job`, `manual` and `payload` are set only where the item has
 * none.
 */
export async function startRun(
  context: DynamoContext,
  run: RunRecord,
  condition: RunCondition,
): Promise<RunRecord> {
  const { scheduleId, scheduledAt } = run;
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const set: string[] = [];
  const { runId: _derived, ...fields } = run;
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:set_${field}`] = encodeField(field, value);
    set.push(
      KEPT_IF_STORED.has(field)
        ? `#${field} = if_not_exists(#${field}, :set_${field})`
        : `#${field} = :set_${field}`,
    );
  }
  const remove: string[] = [];
  indexUpdate(scheduleId, run.status, names, values, set, remove);
  const allowed = ["attribute_not_exists(pk)", ...alternativesOf(condition, names, values)];
  return conditionalUpdate(
    context,
    { name: "startRun", scheduleId, scheduledAt },
    {
      UpdateExpression: `SET ${set.join(", ")}${remove.length > 0 ? ` REMOVE ${remove.join(", ")}` : ""}`,
      ConditionExpression: allowed.join(" OR "),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
    (status, cause) =>
      runRefusedError(
        scheduleId,
        scheduledAt,
        condition,
        status === undefined ? "was refused" : `is ${status}`,
        { cause },
      ),
  );
}

/** Reads `pk`'s run items newest first, filtered, until `limit + 1` match or they run out. */
export async function listRuns(
  context: DynamoContext,
  scheduleId: string,
  options: ListRunsOptions,
): Promise<Page<RunRecord>> {
  const limit = pageSize(options.limit, PAGE_SIZE.runs);
  const upper = runsBefore(options);
  const { pk } = runKey(scheduleId, 0);
  const values: Record<string, unknown> = { ":pk": pk, ":lo": SCHEDULE_TABLE.keyPrefix.run };
  let keyCondition = "pk = :pk AND begins_with(sk, :lo)";
  if (Number.isFinite(upper)) {
    // Scheduled strictly before `upper`, in whole milliseconds as the sort key holds them.
    values[":hi"] = runSortKey(Math.ceil(upper) - 1);
    keyCondition = "pk = :pk AND sk BETWEEN :lo AND :hi";
  }
  if (options.status !== undefined) values[":status"] = options.status;

  const found: RunRecord[] = [];
  let start: Key | undefined;
  do {
    const out = await request(context, { name: "listRuns", scheduleId }, (doc) =>
      doc.send(
        new QueryCommand({
          TableName: context.tableName,
          KeyConditionExpression: keyCondition,
          ScanIndexForward: false,
          ExpressionAttributeValues: values,
          // A filter is applied after the read: ask for full pages rather than many short ones.
          ...(options.status === undefined
            ? { Limit: limit + 1 - found.length }
            : {
                FilterExpression: "#status = :status",
                ExpressionAttributeNames: { "#status": "status" },
              }),
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
          ...context.capacity,
        }),
      ),
    );
    // Past its expiry a run is gone for the listing, whenever DynamoDB's TTL purges it.
    const nowSeconds = context.clock.now().getTime() / 1_000;
    const live = (out.Items ?? []).map(decodeRun);
    found.push(...live.filter((run) => run.expiresAt === undefined || run.expiresAt > nowSeconds));
    start = out.LastEvaluatedKey as Key | undefined;
  } while (start !== undefined && found.length <= limit);
  const items = found.slice(0, limit);
  return pageOf(items, found.length > limit, () => items.at(-1)?.scheduledAt);
}

/** Deletes every run item of a schedule, 25 per request, retrying what DynamoDB leaves. */
export async function deleteRunsOf(context: DynamoContext, scheduleId: string): Promise<void> {
  const { pk } = runKey(scheduleId, 0);
  let start: Key | undefined;
  do {
    const out = await request(context, { name: "deleteSchedule", scheduleId }, (doc) =>
      doc.send(
        new QueryCommand({
          TableName: context.tableName,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :run)",
          ExpressionAttributeValues: { ":pk": pk, ":run": SCHEDULE_TABLE.keyPrefix.run },
          ProjectionExpression: "pk, sk",
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
          ...context.capacity,
        }),
      ),
    );
    const keys = (out.Items ?? []) as Key[];
    for (let i = 0; i < keys.length; i += 25)
      await deleteBatch(context, scheduleId, keys.slice(i, i + 25));
    start = out.LastEvaluatedKey as Key | undefined;
  } while (start !== undefined);
}

async function deleteBatch(
  context: DynamoContext,
  scheduleId: string,
  keys: readonly Key[],
): Promise<void> {
  let requests = keys.map((Key) => ({ DeleteRequest: { Key } }));
  for (let attempt = 0; requests.length > 0; attempt += 1) {
    if (attempt === 8) {
      throw new StoreError(
        `DynamoDB kept ${requests.length} run deletions of "${scheduleId}" unprocessed on table "${context.tableName}"; delete the schedule again to finish`,
      );
    }
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    const out = await request(context, { name: "deleteSchedule", scheduleId }, (doc) =>
      doc.send(
        new BatchWriteCommand({
          RequestItems: { [context.tableName]: requests },
          ...context.capacity,
        }),
      ),
    );
    requests = (out.UnprocessedItems?.[context.tableName] ?? []) as typeof requests;
  }
}
