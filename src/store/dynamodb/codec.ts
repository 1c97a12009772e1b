/**
 * Records ↔ DynamoDB items (as plain objects for the document client). Record fields are kept as
 * top-level attributes under their own names; arbitrary JSON (payload, result) is kept as JSON
 * text, so numbers, depth and empty values round-trip exactly whatever DynamoDB's own limits.
 */

import { isDue, withoutUndefined } from "../records.js";
import type { RunError, RunRecord, RunStatus, ScheduleRecord } from "../types.js";
import { isIndexedRunStatus, runIdOf } from "../types.js";
import { SCHEDULE_TABLE } from "./table.js";

/** A DynamoDB item as the document client reads and writes it. */
export type Item = Record<string, unknown>;
/** A primary key (or, for an index, the key an `ExclusiveStartKey` needs). */
export type Key = Record<string, string | number>;

const P = SCHEDULE_TABLE.keyPrefix;

/**
 * The shard of `id` on a sharded index: FNV-1a (32 bit) over its UTF-16 code units, modulo
 * `shards`. Stable across processes and releases: changing it would strand items.
 */
export function shardOf(id: string, shards: number): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return String((hash >>> 0) % shards);
}

/**
 * Partitions per status on the runs index. One GSI partition takes about 1,000 writes a second;
 * four let a status take about 4,000 before the index throttles the table's writes. Fixed: a
 * run's partition is derived from it, so changing the count strands the runs written before.
 */
export const RUN_INDEX_SHARDS = 4;

/** The `runShard` of a run of `scheduleId` in `status`; undefined when that status is off the index. */
export function runShardOf(scheduleId: string, status: RunStatus): string | undefined {
  return isIndexedRunStatus(status)
    ? `${status}#${shardOf(scheduleId, RUN_INDEX_SHARDS)}`
    : undefined;
}

export function scheduleKey(id: string): Key {
  return { pk: `${P.schedule}${id}`, sk: P.scheduleItem };
}

export function runSortKey(scheduledAt: number): string {
  return `${P.run}${new Date(scheduledAt).toISOString()}`;
}

export function runKey(scheduleId: string, scheduledAt: number): Key {
  return { pk: `${P.schedule}${scheduleId}`, sk: runSortKey(scheduledAt) };
}

export function leaseKey(name: string): Key {
  return { pk: `${P.lease}${name}`, sk: P.leaseItem };
}

/** The one configuration item of a table. */
export const CONFIG_KEY: Key = { pk: P.config, sk: P.config };

/** Fields kept as JSON text. */
const JSON_FIELDS: ReadonlySet<string> = new Set(["payload", "result"]);

/** A record field's attribute value. */
export function encodeField(field: string, value: unknown): unknown {
  return JSON_FIELDS.has(field) && value !== undefined ? JSON.stringify(value) : value;
}

export function encodeSchedule(record: ScheduleRecord, shards: number): Item {
  return withoutUndefined({
    ...record,
    ...scheduleKey(record.id),
    payload: JSON.stringify(record.payload),
    // Sparse: an item without dueShard is not on the due index.
    dueShard: isDue(record) ? shardOf(record.id, shards) : undefined,
  });
}

export function decodeSchedule(item: Item): ScheduleRecord {
  const { pk: _pk, sk: _sk, dueShard: _shard, payload, ...fields } = item;
  return { ...(fields as Omit<ScheduleRecord, "payload">), payload: JSON.parse(String(payload)) };
}

export function encodeRun(run: RunRecord): Item {
  const { runId: _derived, ...fields } = run;
  return withoutUndefined({
    ...fields,
    ...runKey(run.scheduleId, run.scheduledAt),
    // Sparse: only a run in an indexed status is on the runs index.
    runShard: runShardOf(run.scheduleId, run.status),
    payload: encodeField("payload", run.payload),
    result: encodeField("result", run.result),
  });
}

/** JSON text back to its value; absent stays absent. */
const parsed = (text: unknown) => (text === undefined ? undefined : JSON.parse(String(text)));

export function decodeRun(item: Item): RunRecord {
  const {
    pk: _pk,
    sk: _sk,
    // Written on PENDING runs by versions that kept an outbox index; not part of a record.
    pendingShard: _shard,
    pendingAt: _at,
    runShard: _runShard,
    payload,
    result,
    error,
    ...fields
  } = item;
  const run = fields as Omit<RunRecord, "runId" | "payload" | "result" | "error">;
  return withoutUndefined({
    runId: runIdOf(run.scheduleId, run.scheduledAt),
    ...run,
    payload: parsed(payload),
    result: parsed(result),
    error: error as RunError | undefined,
  });
}
