/**
 * The in-memory store, for tests, benchmarks and the local runner. It keeps the due index
 * sorted, so `queryDue` costs O(log n + page) like the real stores, and bounds its run history
 * so that a long-running process does not grow without end. Records are copied in and out, so
 * callers can never change what is stored by mutating what they got.
 */
import { type Clock, systemClock } from "../clock.js";
import { ScheduleExistsError, ScheduleNotFoundError } from "../errors.js";
import type { JsonValue } from "../json.js";
import { decodeCursor } from "./cursor.js";
import {
  checkClaimRecords,
  claimedSchedule,
  compareRunsNewestFirst,
  type DuePosition,
  isAfterRunsPosition,
  isDue,
  isDuePosition,
  isListPosition,
  matchesScheduleFilter,
  newSchedule,
  PAGE_SIZE,
  pageOf,
  pageOfRuns,
  pageOfSchedules,
  pageSize,
  queriedRunStatuses,
  readsTheOneShard,
  runConditionHolds,
  runExistsError,
  runRefusedError,
  runsBefore,
  runsPositionOf,
  scheduleUpdate,
  startedRun,
  storedRun,
  updatedRun,
} from "./records.js";
import { compareTuples, SortedIndex } from "./sorted-index.js";
import type { Page, RunRecord, ScheduleRecord, ScheduleStore } from "./types.js";
import { CLAIM_REFUSAL } from "./types.js";

/** A schedule's runs: by scheduled time, and that time's order. */
interface RunsOf {
  readonly byTime: Map<number, RunRecord>;
  readonly order: SortedIndex<number>;
}

/** A deep copy of a JSON value (records hold nothing else, so this is all a copy needs). */
function copyJson<T extends JsonValue>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(copyJson) as T;
  const copy: { [key: string]: JsonValue } = {};
  for (const [key, field] of Object.entries(value)) {
    // A plain assignment to "__proto__" would set the prototype instead of a field.
    Object.defineProperty(copy, key, {
      value: copyJson(field),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy as T;
}

function copySchedule(record: ScheduleRecord): ScheduleRecord {
  return { ...record, payload: copyJson(record.payload) };
}

function copyRun(run: RunRecord): RunRecord {
  const copy: { -readonly [K in keyof RunRecord]: RunRecord[K] } = { ...run };
  if (run.payload !== undefined) copy.payload = copyJson(run.payload);
  if (run.result !== undefined) copy.result = copyJson(run.result);
  if (run.error !== undefined) copy.error = { ...run.error };
  return copy;
}

/**
 * A page of an index whose keys start with an instant: the items of the keys after `after` up
 * to `upTo` (inclusive), at most `limit`, with a cursor on the last key when more follow.
 */
function indexPage<K extends readonly [number, ...unknown[]], T>(
  index: SortedIndex<K>,
  after: K | undefined,
  upTo: number,
  limit: number,
  itemOf: (key: K) => T,
): Page<T> {
  const keys: K[] = [];
  for (const key of index.from(after)) {
    if (key[0] > upTo || keys.length > limit) break;
    keys.push(key);
  }
  return pageOf(keys.slice(0, limit).map(itemOf), keys.length > limit, () => keys[limit - 1]);
}

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Stamps `updatedAt` when a write does not say when it happened, and tells which runs have
   * expired. Default: the system clock.
   */
  readonly clock?: Clock;
  /** Runs kept per schedule, newest (latest `scheduledAt`) first; older ones are dropped. Default 1,000. */
  readonly maxRunsPerSchedule?: number;
}

/** Default of {@link MemoryStoreOptions.maxRunsPerSchedule}. */
export const DEFAULT_MAX_RUNS_PER_SCHEDULE = 1_000;

/** A run's place in the expiry index: when it expires (epoch seconds), and its key. */
type ExpiryKey = readonly [expiresAt: number, scheduleId: string, scheduledAt: number];

/**
 * Creates an empty in-memory {@link ScheduleStore}. Nothing survives the process; see the
 * interface for the contract.
 *
 * Its run history is bounded, as DynamoDB's TTL bounds the table's: every write of a run first
 * drops the runs (of any schedule) whose `expiresAt` (epoch seconds) is at or before the clock's
 * now, and a schedule keeps at most `maxRunsPerSchedule` runs, its newest. A run written already
 * expired stays until the next run write; `getRun` and `listRuns` never see dropped runs.
 *
 * @example
 * const store = createMemoryStore({ clock: manualClock("2026-01-01T00:00:00Z"), maxRunsPerSchedule: 100 });
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): ScheduleStore {
  const clock = options.clock ?? systemClock;
  const maxRuns = Math.max(
    1,
    Math.floor(options.maxRunsPerSchedule ?? DEFAULT_MAX_RUNS_PER_SCHEDULE),
  );
  const schedules = new Map<string, ScheduleRecord>();
  const due = new SortedIndex<DuePosition>(compareTuples);
  const runs = new Map<string, RunsOf>();
  const expiry = new SortedIndex<ExpiryKey>(compareTuples);
  const leases = new Map<string, { readonly owner: string; readonly until: number }>();

  function putSchedule(next: ScheduleRecord): ScheduleRecord {
    const previous = schedules.get(next.id);
    if (previous !== undefined && isDue(previous)) due.remove([previous.dueAt, previous.id]);
    if (isDue(next)) due.insert([next.dueAt, next.id]);
    const stored = copySchedule(next);
    schedules.set(next.id, stored);
    return copySchedule(stored);
  }

  function runsOf(scheduleId: string): RunsOf {
    let entry = runs.get(scheduleId);
    if (entry === undefined) {
      entry = { byTime: new Map(), order: new SortedIndex<number>((a, b) => a - b) };
      runs.set(scheduleId, entry);
    }
    return entry;
  }

  const expiryKey = (run: RunRecord): ExpiryKey | undefined =>
    run.expiresAt === undefined ? undefined : [run.expiresAt, run.scheduleId, run.scheduledAt];

  function dropRun(scheduleId: string, scheduledAt: number): void {
    const entry = runs.get(scheduleId);
    const run = entry?.byTime.get(scheduledAt);
    if (entry === undefined || run === undefined) return;
    const key = expiryKey(run);
    if (key !== undefined) expiry.remove(key);
    entry.byTime.delete(scheduledAt);
    entry.order.remove(scheduledAt);
    if (entry.byTime.size === 0) runs.delete(scheduleId);
  }

  /** Drops every run expired by now: the front of the expiry index, so O(dropped · log n). */
  function dropExpired(): void {
    const nowSeconds = clock.now().getTime() / 1_000;
    for (;;) {
      const first = expiry.from().next();
      if (first.done === true || first.value[0] > nowSeconds) return;
      dropRun(first.value[1], first.value[2]);
    }
  }

  function putRun(next: RunRecord): RunRecord {
    dropExpired();
    const entry = runsOf(next.scheduleId);
    const previous = entry.byTime.get(next.scheduledAt);
    if (previous === undefined) entry.order.insert(next.scheduledAt);
    else {
      const key = expiryKey(previous);
      if (key !== undefined) expiry.remove(key);
    }
    const key = expiryKey(next);
    if (key !== undefined) expiry.insert(key);
    const stored = copyRun(next);
    entry.byTime.set(next.scheduledAt, stored);
    while (entry.byTime.size > maxRuns) {
      const oldest = entry.order.from().next();
      if (oldest.done === true) break;
      dropRun(next.scheduleId, oldest.value);
    }
    return copyRun(stored);
  }

  function findRun(scheduleId: string, scheduledAt: number): RunRecord | undefined {
    return runs.get(scheduleId)?.byTime.get(scheduledAt);
  }

  /** The due index's keys up to `dueBefore`, from the start. */
  function* dueUpTo(dueBefore: number): Generator<DuePosition> {
    for (const key of due.from()) {
      if (key[0] > dueBefore) return;
      yield key;
    }
  }

  // Every method body runs without an await, so each one is atomic with respect to the others.
  return {
    async createSchedule(record) {
      if (schedules.has(record.id)) throw new ScheduleExistsError(record.id);
      return putSchedule(newSchedule(record));
    },

    async getSchedule(id) {
      const record = schedules.get(id);
      return record === undefined ? undefined : copySchedule(record);
    },

    async updateSchedule(id, changes, options = {}) {
      const current = schedules.get(id);
      if (current === undefined) throw new ScheduleNotFoundError(id);
      return putSchedule(scheduleUpdate(current, changes, options, clock));
    },

    async deleteSchedule(id) {
      const current = schedules.get(id);
      if (current !== undefined && isDue(current)) due.remove([current.dueAt, id]);
      for (const run of runs.get(id)?.byTime.values() ?? []) {
        const key = expiryKey(run);
        if (key !== undefined) expiry.remove(key);
      }
      runs.delete(id);
      return schedules.delete(id);
    },

    async listSchedules(options = {}) {
      const limit = pageSize(options.limit, PAGE_SIZE.schedules);
      const after =
        options.cursor === undefined ? undefined : decodeCursor(options.cursor, isListPosition);
      const matching = [...schedules.values()].filter((r) => matchesScheduleFilter(r, options));
      const page = pageOfSchedules(matching, after, limit);
      return { ...page, items: page.items.map(copySchedule) };
    },

    async dueShards() {
      return 1;
    },

    async queryDue(options) {
      if (!readsTheOneShard(options.shard)) return { items: [] };
      const limit = pageSize(options.limit, PAGE_SIZE.due);
      const after =
        options.cursor === undefined ? undefined : decodeCursor(options.cursor, isDuePosition);
      return indexPage(due, after, options.dueBefore, limit, ([, id]) =>
        copySchedule(schedules.get(id) as ScheduleRecord),
      );
    },

    async countDue(options) {
      if (!readsTheOneShard(options.shard)) return 0;
      let count = 0;
      for (const _ of dueUpTo(options.dueBefore)) {
        if (count >= options.max) break;
        count += 1;
      }
      return count;
    },

    async claim(claim) {
      checkClaimRecords(claim);
      for (const record of claim.records) {
        if (findRun(record.scheduleId, record.scheduledAt) === undefined) putRun(storedRun(record));
      }
      const current = schedules.get(claim.schedule.id);
      if (current === undefined || current.version !== claim.schedule.version) {
        return { claimed: false, reason: CLAIM_REFUSAL.scheduleChanged };
      }
      return {
        claimed: true,
        schedule: putSchedule(claimedSchedule(claim, clock.now().getTime())),
      };
    },

    async acquireLease(lease) {
      const held = leases.get(lease.name);
      if (held !== undefined && held.owner !== lease.owner && held.until > lease.now) return false;
      leases.set(lease.name, { owner: lease.owner, until: lease.until });
      return true;
    },

    async releaseLease(name, owner) {
      if (leases.get(name)?.owner === owner) leases.delete(name);
    },

    async createRun(run) {
      if (findRun(run.scheduleId, run.scheduledAt) !== undefined) {
        throw runExistsError(run.runId, run.scheduleId);
      }
      return putRun(storedRun(run));
    },

    async getRun(scheduleId, scheduledAt) {
      const run = findRun(scheduleId, scheduledAt);
      return run === undefined ? undefined : copyRun(run);
    },

    async updateRun(scheduleId, scheduledAt, changes, condition) {
      const run = findRun(scheduleId, scheduledAt);
      if (run === undefined || !runConditionHolds(run, condition)) {
        const status = run === undefined ? "does not exist" : `is ${run.status}`;
        throw runRefusedError(scheduleId, scheduledAt, condition, status);
      }
      return putRun(updatedRun(run, changes, clock.now().getTime()));
    },

    async startRun(run, condition) {
      const current = findRun(run.scheduleId, run.scheduledAt);
      if (current === undefined) return putRun(storedRun(run));
      if (!runConditionHolds(current, condition)) {
        throw runRefusedError(run.scheduleId, run.scheduledAt, condition, `is ${current.status}`);
      }
      return putRun(startedRun(current, run));
    },

    async listRuns(scheduleId, options = {}) {
      const limit = pageSize(options.limit, PAGE_SIZE.runs);
      const before = runsBefore(options);
      const entry = runs.get(scheduleId);
      const found: RunRecord[] = [];
      for (const at of entry?.order.downFrom(Number.isFinite(before) ? before : undefined) ?? []) {
        const run = entry?.byTime.get(at);
        if (run === undefined || (options.status !== undefined && run.status !== options.status))
          continue;
        if (run.expiresAt !== undefined && run.expiresAt <= clock.now().getTime() / 1_000) continue;
        found.push(run);
        if (found.length > limit) break;
      }
      const items = found.slice(0, limit);
      return pageOf(items.map(copyRun), found.length > limit, () => items.at(-1)?.scheduledAt);
    },

    // A filter over every run: the memory store has no index to keep, and holds few runs.
    async queryRuns(options = {}) {
      const limit = pageSize(options.limit, PAGE_SIZE.runs);
      const statuses = queriedRunStatuses(options);
      const after = runsPositionOf(options.cursor);
      const nowSeconds = clock.now().getTime() / 1_000;
      const found: RunRecord[] = [];
      for (const entry of runs.values()) {
        for (const run of entry.byTime.values()) {
          if (!statuses.includes(run.status)) continue;
          if (options.job !== undefined && run.job !== options.job) continue;
          if (options.since !== undefined && run.scheduledAt < options.since) continue;
          if (run.expiresAt !== undefined && run.expiresAt <= nowSeconds) continue;
          if (isAfterRunsPosition(run, after)) found.push(run);
        }
      }
      found.sort(compareRunsNewestFirst);
      return pageOfRuns(found.slice(0, limit + 1).map(copyRun), limit);
    },

    async close() {},
  };
}
