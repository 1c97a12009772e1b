/**
 * The in-memory store, for tests and benchmarks. It keeps the due and PENDING indexes sorted,
 * so `queryDue` and `listPendingRuns` cost O(log n + page) like the real stores. Records are
 * copied in and out, so callers can never change what is stored by mutating what they got.
 */
import { type Clock, systemClock } from "../clock.js";
import { ScheduleExistsError, ScheduleNotFoundError, StoreError } from "../errors.js";
import type { JsonValue } from "../json.js";
import { decodeCursor } from "./cursor.js";
import {
  claimedSchedule,
  type DuePosition,
  isDue,
  isDuePosition,
  isListPosition,
  isPendingPosition,
  matchesScheduleFilter,
  newSchedule,
  PAGE_SIZE,
  type PendingPosition,
  pageOf,
  pageOfSchedules,
  pageSize,
  runConditionHolds,
  runExistsError,
  runRefusedError,
  runsBefore,
  scheduleUpdate,
  storedRun,
  updatedRun,
} from "./records.js";
import { compareTuples, SortedIndex } from "./sorted-index.js";
import type { Page, RunRecord, ScheduleRecord, ScheduleStore } from "./types.js";
import { CLAIM_REFUSAL, RUN_STATUS } from "./types.js";

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
  const copy: { -readonly [K in keyof RunRecord]: RunRecord[K] } = {
    ...run,
    payload: copyJson(run.payload),
  };
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
  /** Stamps `updatedAt` when a write does not say when it happened. Default: the system clock. */
  readonly clock?: Clock;
}

/**
 * Creates an empty in-memory {@link ScheduleStore}. Nothing survives the process; see the
 * interface for the contract.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): ScheduleStore {
  const clock = options.clock ?? systemClock;
  const schedules = new Map<string, ScheduleRecord>();
  const due = new SortedIndex<DuePosition>(compareTuples);
  const runs = new Map<string, RunsOf>();
  const pending = new SortedIndex<PendingPosition>(compareTuples);

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

  function pendingKey(run: RunRecord): PendingPosition {
    return [run.createdAt, run.scheduleId, run.scheduledAt];
  }

  function putRun(next: RunRecord): RunRecord {
    const entry = runsOf(next.scheduleId);
    const previous = entry.byTime.get(next.scheduledAt);
    if (previous === undefined) entry.order.insert(next.scheduledAt);
    else if (previous.status === RUN_STATUS.PENDING) pending.remove(pendingKey(previous));
    if (next.status === RUN_STATUS.PENDING) pending.insert(pendingKey(next));
    const stored = copyRun(next);
    entry.byTime.set(next.scheduledAt, stored);
    return copyRun(stored);
  }

  function findRun(scheduleId: string, scheduledAt: number): RunRecord | undefined {
    return runs.get(scheduleId)?.byTime.get(scheduledAt);
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
        if (run.status === RUN_STATUS.PENDING) pending.remove(pendingKey(run));
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

    async queryDue(options) {
      const limit = pageSize(options.limit, PAGE_SIZE.due);
      const after =
        options.cursor === undefined ? undefined : decodeCursor(options.cursor, isDuePosition);
      return indexPage(due, after, options.dueBefore, limit, ([, id]) =>
        copySchedule(schedules.get(id) as ScheduleRecord),
      );
    },

    async claim(claim) {
      const id = claim.schedule.id;
      const current = schedules.get(id);
      if (current === undefined || current.version !== claim.schedule.version) {
        return { claimed: false, reason: CLAIM_REFUSAL.scheduleChanged };
      }
      const times = new Set(claim.runs.map((run) => `${run.scheduleId}@${run.scheduledAt}`));
      if (times.size < claim.runs.length) {
        throw new StoreError(`claim of "${id}" has two runs at one scheduled time`);
      }
      if (claim.runs.some((run) => findRun(run.scheduleId, run.scheduledAt) !== undefined)) {
        return { claimed: false, reason: CLAIM_REFUSAL.runExists };
      }
      const schedule = putSchedule(claimedSchedule(claim, clock.now().getTime()));
      for (const run of claim.runs) putRun(storedRun(run));
      return { claimed: true, schedule };
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

    async listRuns(scheduleId, options = {}) {
      const limit = pageSize(options.limit, PAGE_SIZE.runs);
      const before = runsBefore(options);
      const entry = runs.get(scheduleId);
      const found: RunRecord[] = [];
      for (const at of entry?.order.downFrom(Number.isFinite(before) ? before : undefined) ?? []) {
        const run = entry?.byTime.get(at);
        if (run === undefined || (options.status !== undefined && run.status !== options.status))
          continue;
        found.push(run);
        if (found.length > limit) break;
      }
      const items = found.slice(0, limit);
      return pageOf(items.map(copyRun), found.length > limit, () => items.at(-1)?.scheduledAt);
    },

    async listPendingRuns(options) {
      const limit = pageSize(options.limit, PAGE_SIZE.pending);
      const after =
        options.cursor === undefined ? undefined : decodeCursor(options.cursor, isPendingPosition);
      return indexPage(pending, after, options.createdBefore, limit, ([, id, at]) =>
        copyRun(findRun(id, at) as RunRecord),
      );
    },

    async close() {},
  };
}
