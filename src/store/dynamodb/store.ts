/**
 * The production store: one DynamoDB table laid out as {@link SCHEDULE_TABLE} describes. The
 * tick's operations (`queryDue`, `countDue`, `claim`, leases) and the invoke side's (`startRun`,
 * `updateRun`) are Queries on the sparse sharded due index and single-item conditional writes;
 * none of them scans, and none uses a transaction.
 */
import { DynamoDBClient, type ReturnConsumedCapacity } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from "@aws-sdk/lib-dynamodb";
import { type Clock, systemClock } from "../../clock.js";
import { ConflictError, ScheduleExistsError, ScheduleNotFoundError } from "../../errors.js";
import {
  checkClaimRecords,
  claimedSchedule,
  newSchedule,
  scheduleUpdate,
  storedRun,
} from "../records.js";
import type { RunRecord, ScheduleRecord, ScheduleStore } from "../types.js";
import { CLAIM_REFUSAL } from "../types.js";
import { decodeSchedule, encodeRun, encodeSchedule, scheduleKey } from "./codec.js";
import { checkDueShardsOption, recordedDueShards } from "./config.js";
import { type DynamoContext, request } from "./context.js";
import { countDue, queryDue } from "./indexes.js";
import { acquireLease, releaseLease } from "./leases.js";
import { listSchedules } from "./listing.js";
import { queryRuns } from "./run-index.js";
import { createRun, deleteRunsOf, getRun, listRuns, startRun, updateRun } from "./runs.js";

export { DEFAULT_DUE_SHARDS } from "./config.js";
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
   * Shards of the `due` index. The table records its count at first use (this value, default
   * {@link DEFAULT_DUE_SHARDS}), and every store of the table places schedules by the recorded
   * count. Leave it out to adopt the recorded count; a value that differs from it makes every
   * method that needs it throw ConfigurationError, rather than write schedules no tick reads.
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
 * - The first call that needs the shard count (writing a schedule, `queryDue`, `countDue`,
 *   `dueShards`) reads the table's configuration item (1 consistent read; 1 write more on a new
 *   table); later calls reuse the answer.
 * - `queryDue` without `shard` queries every shard (N requests for a small page) and reads only
 *   due items, at most about N more than it returns; with `shard`, one Query per page.
 * - `countDue` is a `Select: COUNT` Query per shard: it returns no items, but DynamoDB charges
 *   the reads of the items it counts, so keep `max` near what the caller acts on.
 * - `claim` is one conditional PutItem per final record, then one for the schedule (1 write
 *   unit each for small items); `startRun` and `updateRun` one UpdateItem each.
 * - `listSchedules` is for people, not the tick. With `state: "ENABLED"` it queries the whole
 *   `due` index (O(enabled schedules) per page; an ENABLED schedule without a `dueAt` is not on
 *   it and is not listed); otherwise it scans the whole table, runs included (O(table) per page).
 *   Each page reads everything it filters, because the order (by next run) is not an index's.
 * - `listRuns` with a status filter reads runs of other statuses too (a FilterExpression), in
 *   1 MB pages, until it has a page of matches or the history ends.
 * - `queryRuns` queries the sparse `runs` index: 4 partitions per status asked for (32 Queries
 *   for a first page of every indexed status), reading about as many runs as it returns (more
 *   with a `job` filter or expired runs, filtered after the read). A write that moves a run
 *   onto, within or off that index costs one index write more; one that leaves it off (RUNNING,
 *   SUCCEEDED) costs nothing more.
 * - `updateSchedule` reads the schedule and writes it back whole (1 read, 1 write). Without
 *   `expectedVersion` it re-reads and retries when a concurrent write wins, up to 5 times, then
 *   throws ConflictError.
 * - `deleteSchedule` deletes the schedule first (so no claim can advance it again), then its
 *   runs in batches of 25. A claim racing the deletion may still leave its final records.
 *
 * @example
 * const store = createDynamoStore({ tableName: process.env.SCHEDULE_TABLE ?? "schedules" });
 */
export function createDynamoStore(options: DynamoStoreOptions): ScheduleStore {
  const configuredShards = checkDueShardsOption(options.dueShards);
  const client = options.client ?? new DynamoDBClient({});
  const base = {
    doc: DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    }),
    tableName: options.tableName,
    clock: options.clock ?? systemClock,
    capacity:
      options.returnConsumedCapacity === undefined
        ? {}
        : { ReturnConsumedCapacity: options.returnConsumedCapacity },
  };
  const context: DynamoContext = {
    ...base,
    dueShards: recordedDueShards(base, configuredShards),
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
    const shards = await context.dueShards();
    await request(context, { name: operation, scheduleId: next.id }, (doc) =>
      doc.send(
        new PutCommand({
          TableName: tableName,
          Item: encodeSchedule(next, shards),
          ConditionExpression: "version = :version",
          ExpressionAttributeValues: { ":version": fromVersion },
          ...context.capacity,
        }),
      ),
    );
  }

  /** A claim's final record, unless its occurrence has a run already: that one is kept. */
  async function createRecord(record: RunRecord): Promise<void> {
    try {
      await request(context, { name: "claim", scheduleId: record.scheduleId }, (doc) =>
        doc.send(
          new PutCommand({
            TableName: tableName,
            Item: encodeRun(storedRun(record)),
            ConditionExpression: "attribute_not_exists(pk)",
            ...context.capacity,
          }),
        ),
      );
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }

  return {
    async createSchedule(record) {
      const created = newSchedule(record);
      const shards = await context.dueShards();
      try {
        await request(context, { name: "createSchedule", scheduleId: record.id }, (doc) =>
          doc.send(
            new PutCommand({
              TableName: tableName,
              Item: encodeSchedule(created, shards),
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

    dueShards: () => context.dueShards(),
    queryDue: (dueOptions) => queryDue(context, dueOptions),
    countDue: (countOptions) => countDue(context, countOptions),

    // Two steps, no transaction: the records, then the schedule on its version. A crash between
    // them leaves the schedule due, and the next claim finds the records there and keeps them.
    async claim(claim) {
      checkClaimRecords(claim);
      await Promise.all(claim.records.map((record) => createRecord(record)));
      const next = claimedSchedule(claim, context.clock.now().getTime());
      try {
        await writeSchedule(next, claim.schedule.version, "claim");
      } catch (error) {
        if (error instanceof ConflictError) {
          return { claimed: false, reason: CLAIM_REFUSAL.scheduleChanged };
        }
        throw error;
      }
      return { claimed: true, schedule: next };
    },

    acquireLease: (lease) => acquireLease(context, lease),
    releaseLease: (name, owner) => releaseLease(context, name, owner),

    createRun: (run) => createRun(context, run),
    getRun: (scheduleId, scheduledAt) => getRun(context, scheduleId, scheduledAt),
    updateRun: (scheduleId, scheduledAt, changes, condition) =>
      updateRun(context, scheduleId, scheduledAt, changes, condition),
    startRun: (run, condition) => startRun(context, run, condition),
    listRuns: (scheduleId, listOptions = {}) => listRuns(context, scheduleId, listOptions),
    queryRuns: (queryOptions = {}) => queryRuns(context, queryOptions),

    async close() {
      // An injected client belongs to the caller, who may share it.
      if (options.client === undefined) client.destroy();
    },
  };
}
