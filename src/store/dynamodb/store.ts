/**
 * The production store: one DynamoDB table laid out as {@link SCHEDULE_TABLE} describes. The
 * tick's operations (`queryDue`, `claim`, `listPendingRuns`, `getRun`, `updateRun`) are Queries
 * on sparse sharded indexes and single-item or transactional writes; none of them scans.
 */
import { DynamoDBClient, type ReturnConsumedCapacity } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { type Clock, systemClock } from "../../clock.js";
import { ConflictError, ScheduleExistsError, ScheduleNotFoundError } from "../../errors.js";
import { claimedSchedule, newSchedule, scheduleUpdate, storedRun } from "../records.js";
import type { ScheduleRecord, ScheduleStore } from "../types.js";
import { decodeSchedule, encodeRun, encodeSchedule, scheduleKey } from "./codec.js";
import { type DynamoContext, request } from "./context.js";
import { claimRefusalOf, storeErrorOf } from "./errors.js";
import { listPendingRuns, queryDue } from "./indexes.js";
import { listSchedules } from "./listing.js";
import { createRun, deleteRunsOf, getRun, listRuns, updateRun } from "./runs.js";

export { type DynamoRequest, observeDynamoRequests } from "./requests.js";
export {
  type CreateScheduleTableOptions,
  createScheduleTable,
  SCHEDULE_TABLE,
  SCHEDULE_TABLE_SCHEMA,
  scheduleTableInput,
} from "./table.js";

/** Options of {@link createDynamoStore}. */
export interface DynamoStoreOptions {
  readonly tableName: string;
  /**
   * The client to use, e.g. one with middleware that counts requests (see
   * `observeDynamoRequests`). Default: a client configured from the environment.
   */
  readonly client?: DynamoDBClient;
  /**
   * Shards of the `due` and `pending` indexes (default 4). Every writer of a table must use the
   * same value: items are placed by it, and a store with fewer shards does not see the others.
   */
  readonly dueShards?: number;
  /** Ask DynamoDB to return consumed capacity on every request (for benchmarks). Default off. */
  readonly returnConsumedCapacity?: ReturnConsumedCapacity;
  /** Stamps `updatedAt` when a write does not say when it happened. Default: the system clock. */
  readonly clock?: Clock;
}

/** How often `updateSchedule` without `expectedVersion` re-reads after losing a race. */
const UPDATE_ATTEMPTS = 5;

/**
 * A {@link ScheduleStore} on one DynamoDB table (create it with `createScheduleTable` or
 * template.yaml). See the interface for the contract; costs beyond it:
 *
 * - `queryDue` and `listPendingRuns` query every shard (N requests for a small page) and read
 *   only due (or PENDING) items, at most about N more than they return.
 * - `listSchedules` is for people, not the tick. With `state: "ENABLED"` it queries the whole
 *   `due` index (O(enabled schedules) per page; an ENABLED schedule without a `dueAt` is not on
 *   it and is not listed); otherwise it scans the whole table, runs included (O(table) per page).
 *   Each page reads everything it filters, because the order (by next run) is not an index's.
 * - `listRuns` with a status filter reads runs of other statuses too (a FilterExpression), in
 *   1 MB pages, until it has a page of matches or the history ends.
 * - `updateSchedule` reads the schedule and writes it back whole (1 read, 1 write). Without
 *   `expectedVersion` it re-reads and retries when a concurrent write wins, up to 5 times, then
 *   throws ConflictError.
 * - `deleteSchedule` deletes the schedule first (so no claim can follow), then its runs in
 *   batches of 25.
 *
 * @example
 * const store = createDynamoStore({ tableName: process.env.SCHEDULE_TABLE ?? "schedules" });
 */
export function createDynamoStore(options: DynamoStoreOptions): ScheduleStore {
  const client = options.client ?? new DynamoDBClient({});
  const context: DynamoContext = {
    doc: DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    }),
    tableName: options.tableName,
    shards: Math.max(1, Math.floor(options.dueShards ?? 4)),
    clock: options.clock ?? systemClock,
    capacity:
      options.returnConsumedCapacity === undefined
        ? {}
        : { ReturnConsumedCapacity: options.returnConsumedCapacity },
  };
  const { tableName } = context;

  async function getSchedule(id: string): Promise<ScheduleRecord | undefined> {
    const out = await request(context, { name: "getSchedule", scheduleId: id }, (doc) =>
      doc.send(
        new GetCommand({
          TableName: tableName,
          Key: scheduleKey(id),
          ConsistentRead: true,
          ...context.capacity,
        }),
      ),
    );
    return out.Item === undefined ? undefined : decodeSchedule(out.Item);
  }

  /** Writes the whole item if the stored version is still `fromVersion`; ConflictError if not. */
  async function writeSchedule(
    next: ScheduleRecord,
    fromVersion: number,
    operation: string,
  ): Promise<void> {
    await request(context, { name: operation, scheduleId: next.id }, (doc) =>
      doc.send(
        new PutCommand({
          TableName: tableName,
          Item: encodeSchedule(next, context.shards),
          ConditionExpression: "version = :version",
          ExpressionAttributeValues: { ":version": fromVersion },
          ...context.capacity,
        }),
      ),
    );
  }

  return {
    async createSchedule(record) {
      const created = newSchedule(record);
      try {
        await request(context, { name: "createSchedule", scheduleId: record.id }, (doc) =>
          doc.send(
            new PutCommand({
              TableName: tableName,
              Item: encodeSchedule(created, context.shards),
              ConditionExpression: "attribute_not_exists(pk)",
              ...context.capacity,
            }),
          ),
        );
      } catch (error) {
        if (error instanceof ConflictError)
          throw new ScheduleExistsError(record.id, { cause: error.cause });
        throw error;
      }
      return created;
    },

    getSchedule,

    // Read, merge, write the whole item back on a version condition: only the merged record
    // tells whether the schedule belongs on the due index (its dueShard).
    async updateSchedule(id, changes, updateOptions = {}) {
      const expected = updateOptions.expectedVersion;
      for (let attempt = 1; ; attempt += 1) {
        const current = await getSchedule(id);
        if (current === undefined) throw new ScheduleNotFoundError(id);
        const next = scheduleUpdate(current, changes, updateOptions, context.clock);
        try {
          await writeSchedule(next, current.version, "updateSchedule");
          return next;
        } catch (error) {
          if (
            !(error instanceof ConflictError) ||
            expected !== undefined ||
            attempt >= UPDATE_ATTEMPTS
          )
            throw error;
        }
      }
    },

    async deleteSchedule(id) {
      const out = await request(context, { name: "deleteSchedule", scheduleId: id }, (doc) =>
        doc.send(
          new DeleteCommand({
            TableName: tableName,
            Key: scheduleKey(id),
            ReturnValues: "ALL_OLD",
            ...context.capacity,
          }),
        ),
      );
      await deleteRunsOf(context, id);
      return out.Attributes !== undefined;
    },

    listSchedules: (listOptions = {}) => listSchedules(context, listOptions),

    queryDue: (dueOptions) => queryDue(context, dueOptions),

    async claim(claim) {
      const next = claimedSchedule(claim, context.clock.now().getTime());
      try {
        // Item 0 is the schedule: claimRefusalOf reads the cancellation reasons by position.
        await context.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: encodeSchedule(next, context.shards),
                  ConditionExpression: "version = :version",
                  ExpressionAttributeValues: { ":version": claim.schedule.version },
                },
              },
              ...claim.runs.map((run) => ({
                Put: {
                  TableName: tableName,
                  Item: encodeRun(storedRun(run), context.shards),
                  ConditionExpression: "attribute_not_exists(pk)",
                },
              })),
            ],
            ...context.capacity,
          }),
        );
      } catch (error) {
        const reason = claimRefusalOf(error);
        if (reason !== undefined) return { claimed: false, reason };
        throw storeErrorOf(error, { name: "claim", tableName, scheduleId: claim.schedule.id });
      }
      return { claimed: true, schedule: next };
    },

    createRun: (run) => createRun(context, run),
    getRun: (scheduleId, scheduledAt) => getRun(context, scheduleId, scheduledAt),
    updateRun: (scheduleId, scheduledAt, changes, condition) =>
      updateRun(context, scheduleId, scheduledAt, changes, condition),
    listRuns: (scheduleId, listOptions = {}) => listRuns(context, scheduleId, listOptions),
    listPendingRuns: (pendingOptions) => listPendingRuns(context, pendingOptions),

    async close() {
      // An injected client belongs to the caller, who may share it.
      if (options.client === undefined) client.destroy();
    },
  };
}
