/**
 * The record rules every adapter shares, so that the memory, SQLite and DynamoDB stores cannot
 * drift apart: how changes merge, when a schedule is on the due index, when a run may change,
 * and the orders listings follow.
 */
import type { Clock } from "../clock.js";
import { ConflictError, StoreError } from "../errors.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import type {
  Claim,
  ListRunsOptions,
  ListSchedulesOptions,
  Page,
  QueryRunsOptions,
  RunChanges,
  RunRecord,
  RunStatus,
  ScheduleChanges,
  ScheduleRecord,
} from "./types.js";
import { isIndexedRunStatus, RUN_INDEXED, runIdOf, SCHEDULE_STATE } from "./types.js";

/** Default page sizes, as documented on the options. */
export const PAGE_SIZE = { schedules: 100, due: 100, runs: 20 } as const;

/** A usable page size: a positive integer, `fallback` when not given. */
export function pageSize(limit: number | undefined, fallback: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.max(1, Math.floor(limit));
}

/** A page of `items`, with a cursor for `position()` when `more` items follow. */
export function pageOf<T>(items: T[], more: boolean, position: () => unknown): Page<T> {
  return more ? { items, cursor: encodeCursor(position()) } : { items };
}

/** Keys that identify a record and that no change may touch. */
const FIXED_SCHEDULE_KEYS: ReadonlySet<string> = new Set(["id", "createdAt", "version"]);
const FIXED_RUN_KEYS: ReadonlySet<string> = new Set([
  "runId",
  "scheduleId",
  "scheduledAt",
  "job",
  "createdAt",
]);

/** A copy of `record` with `changes` applied: `undefined` removes a field. */
function merge<T extends object>(record: T, changes: object, fixed: ReadonlySet<string>): T {
  const next: Record<string, unknown> = { ...(record as Record<string, unknown>) };
  for (const [key, value] of Object.entries(changes)) {
    if (fixed.has(key)) continue;
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  return next as T;
}

/** The schedule after an update: changes merged, `version` incremented, `updatedAt` set. */
function updatedSchedule(
  record: ScheduleRecord,
  changes: ScheduleChanges,
  updatedAt: number,
): ScheduleRecord {
  return { ...merge(record, changes, FIXED_SCHEDULE_KEYS), updatedAt, version: record.version + 1 };
}

/**
 * The schedule `updateSchedule` writes over `current`, stamped `options.now`, else
 * `changes.updatedAt`, else the store's clock. Throws ConflictError when `expectedVersion` is
 * given and is not the stored version.
 */
export function scheduleUpdate(
  current: ScheduleRecord,
  changes: ScheduleChanges,
  options: { readonly expectedVersion?: number; readonly now?: number },
  clock: Clock,
): ScheduleRecord {
  const expected = options.expectedVersion;
  if (expected !== undefined && current.version !== expected) {
    throw new ConflictError(
      `schedule "${current.id}" is at version ${current.version}, not ${expected}: re-read it and retry`,
      { scheduleId: current.id },
    );
  }
  return updatedSchedule(
    current,
    changes,
    options.now ?? changes.updatedAt ?? clock.now().getTime(),
  );
}

/** The schedule a claim writes; see {@link Claim} for why `nextRunAt`/`dueAt` default to absent. */
export function claimedSchedule(claim: Claim, now: number): ScheduleRecord {
  const changes: ScheduleChanges = { nextRunAt: undefined, dueAt: undefined, ...claim.changes };
  return updatedSchedule(claim.schedule, changes, claim.changes.updatedAt ?? now);
}

/** A new schedule as stored. */
export function newSchedule(record: Omit<ScheduleRecord, "version" | "updatedAt">): ScheduleRecord {
  return withoutUndefined({ ...record, updatedAt: record.createdAt, version: 1 });
}

/** A run as stored: its id is always derived from its key. */
export function storedRun(run: RunRecord): RunRecord {
  return withoutUndefined({ ...run, runId: runIdOf(run.scheduleId, run.scheduledAt) });
}

/** The run after `changes`, with `updatedAt` set. */
export function updatedRun(run: RunRecord, changes: RunChanges, now: number): RunRecord {
  return { ...merge(run, changes, FIXED_RUN_KEYS), updatedAt: changes.updatedAt ?? now };
}

/**
 * The run `startRun` writes over `current`: `run`'s fields applied, but the stored `createdAt`
 * and `job` kept, and the stored `manual` and `payload` kept when there are any (run-now wrote
 * them).
 */
export function startedRun(current: RunRecord, run: RunRecord): RunRecord {
  const next = storedRun({
    ...current,
    ...withoutUndefined(run),
    createdAt: current.createdAt,
    job: current.job,
  });
  return withoutUndefined({
    ...next,
    manual: current.manual ?? run.manual,
    payload: current.payload ?? run.payload,
  });
}

/**
 * Throws StoreError when a claim's records are not at distinct scheduled times: two records of
 * one occurrence are a planner bug, and no adapter should pick one of them silently.
 */
export function checkClaimRecords(claim: Claim): void {
  const times = new Set(claim.records.map((run) => `${run.scheduleId}@${run.scheduledAt}`));
  if (times.size < claim.records.length) {
    throw new StoreError(
      `claim of "${claim.schedule.id}" has two records of one occurrence: give each scheduled time once`,
    );
  }
}

/** The condition of `updateRun` and `startRun`. */
export interface RunCondition {
  readonly expect: readonly string[];
  readonly staleRunningBefore?: number;
}

/** The ConflictError of `createRun` when the run exists already. */
export function runExistsError(
  runId: string,
  scheduleId: string,
  options?: ErrorOptions,
): ConflictError {
  return new ConflictError(`run "${runId}" exists already`, { scheduleId }, options);
}

/**
 * The ConflictError of an `updateRun` or `startRun` whose condition failed; `status` says what
 * the run is instead (`does not exist`, `is DONE`).
 */
export function runRefusedError(
  scheduleId: string,
  scheduledAt: number,
  condition: RunCondition,
  status: string,
  options?: ErrorOptions,
): ConflictError {
  return new ConflictError(
    `run of "${scheduleId}" at ${new Date(scheduledAt).toISOString()} ${status}, not one of ${condition.expect.join(", ") || "(none)"}`,
    { scheduleId },
    options,
  );
}

/** Whether `updateRun` or `startRun` may change this run. */
export function runConditionHolds(run: RunRecord, condition: RunCondition): boolean {
  if (condition.expect.includes(run.status)) return true;
  return (
    condition.staleRunningBefore !== undefined &&
    run.status === "RUNNING" &&
    run.startedAt !== undefined &&
    run.startedAt < condition.staleRunningBefore
  );
}

/** Whether a schedule belongs on the due index. */
export function isDue(record: ScheduleRecord): record is ScheduleRecord & { dueAt: number } {
  return record.state === SCHEDULE_STATE.ENABLED && record.dueAt !== undefined;
}

/** Whether a schedule passes the filters of `listSchedules`. */
export function matchesScheduleFilter(
  record: ScheduleRecord,
  options: ListSchedulesOptions,
): boolean {
  if (options.job !== undefined && record.job !== options.job) return false;
  if (options.state !== undefined && record.state !== options.state) return false;
  if (options.dueBefore !== undefined) {
    return record.nextRunAt !== undefined && record.nextRunAt <= options.dueBefore;
  }
  return true;
}

/** Position of a schedule in `listSchedules` order: by next run (none last), then id. */
export interface ListPosition {
  /** `null`: no next run. */
  readonly n: number | null;
  readonly id: string;
}

function listPositionOf(record: ScheduleRecord): ListPosition {
  return { n: record.nextRunAt ?? null, id: record.id };
}

/** Compares two positions in `listSchedules` order. */
function compareListPositions(a: ListPosition, b: ListPosition): number {
  if (a.n !== b.n) {
    if (a.n === null) return 1;
    if (b.n === null) return -1;
    return a.n - b.n;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function isListPosition(value: unknown): value is ListPosition {
  if (typeof value !== "object" || value === null) return false;
  const { n, id } = value as Record<string, unknown>;
  return (n === null || typeof n === "number") && typeof id === "string";
}

/**
 * One page of `listSchedules` from every matching schedule, for adapters that cannot read them
 * in order (they sort in memory).
 */
export function pageOfSchedules(
  matching: readonly ScheduleRecord[],
  after: ListPosition | undefined,
  limit: number,
): Page<ScheduleRecord> {
  const sorted = matching
    .filter((r) => after === undefined || compareListPositions(listPositionOf(r), after) > 0)
    .sort((a, b) => compareListPositions(listPositionOf(a), listPositionOf(b)));
  const items = sorted.slice(0, limit);
  const last = items.at(-1);
  return pageOf(items, sorted.length > limit && last !== undefined, () =>
    last === undefined ? undefined : listPositionOf(last),
  );
}

/** Cursor position of the due index of the memory and SQLite stores. */
export type DuePosition = readonly [dueAt: number, id: string];

export const isDuePosition = (v: unknown): v is DuePosition =>
  Array.isArray(v) && v.length === 2 && typeof v[0] === "number" && typeof v[1] === "string";
/** A history position: the `scheduledAt` of the last run returned. */
const isInstant = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * The bound a `listRuns` page reads below (runs scheduled strictly before it): the earlier of
 * `before` and the cursor's position, `Infinity` when there is neither.
 */
export function runsBefore(options: ListRunsOptions): number {
  const cursorAt =
    options.cursor === undefined ? undefined : decodeCursor(options.cursor, isInstant);
  return Math.min(options.before ?? Number.POSITIVE_INFINITY, cursorAt ?? Number.POSITIVE_INFINITY);
}

/** A copy without keys whose value is `undefined`, so stored records compare strictly. */
export function withoutUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== undefined) out[key] = field;
  }
  return out as T;
}

/**
 * Whether a `queryDue` or `countDue` of `shard` reads anything on a store whose due index is one
 * shard (memory, SQLite): shard 0 or none reads it all, any other shard is empty.
 */
export function readsTheOneShard(shard: number | undefined): boolean {
  return shard === undefined || shard === 0;
}

/**
 * The statuses a `queryRuns` reads: the one asked for, else every indexed one. A status off the
 * runs index is refused with StoreError, saying where such runs are read instead.
 */
export function queriedRunStatuses(options: QueryRunsOptions): RunStatus[] {
  if (options.status === undefined) {
    return (Object.keys(RUN_INDEXED) as RunStatus[]).filter(isIndexedRunStatus);
  }
  if (!isIndexedRunStatus(options.status)) {
    throw new StoreError(
      `runs in status ${options.status} are not on the runs index (most runs pass through RUNNING and end SUCCEEDED, and indexing them would cost every run a write): list them per schedule with listRuns (on the command line: lambda-scheduler history <schedule-id> --status ${options.status})`,
    );
  }
  return [options.status];
}

/** Position in `queryRuns` order (newest first): the last run returned's time and schedule. */
export type RunsPosition = readonly [scheduledAt: number, scheduleId: string];

const isRunsPosition = (v: unknown): v is RunsPosition =>
  Array.isArray(v) && v.length === 2 && isInstant(v[0]) && typeof v[1] === "string";

/** The position a `queryRuns` cursor holds, undefined without one. */
export function runsPositionOf(cursor: string | undefined): RunsPosition | undefined {
  return cursor === undefined ? undefined : decodeCursor(cursor, isRunsPosition);
}

/** Whether `run` comes after `position` in `queryRuns` order (older, or same time and lower id). */
export function isAfterRunsPosition(run: RunRecord, position: RunsPosition | undefined): boolean {
  if (position === undefined) return true;
  const [at, id] = position;
  return run.scheduledAt < at || (run.scheduledAt === at && run.scheduleId < id);
}

/** `queryRuns` order: newest first, then by schedule id, descending. */
export function compareRunsNewestFirst(a: RunRecord, b: RunRecord): number {
  if (a.scheduledAt !== b.scheduledAt) return b.scheduledAt - a.scheduledAt;
  return a.scheduleId < b.scheduleId ? 1 : a.scheduleId > b.scheduleId ? -1 : 0;
}

/** One `queryRuns` page of `found` (at most `limit + 1` runs in order), with its cursor. */
export function pageOfRuns(found: readonly RunRecord[], limit: number): Page<RunRecord> {
  const items = found.slice(0, limit);
  const last = items.at(-1);
  return pageOf(items, found.length > limit && last !== undefined, () =>
    last === undefined ? undefined : ([last.scheduledAt, last.scheduleId] as RunsPosition),
  );
}
