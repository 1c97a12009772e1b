/**
 * The in-memory store, for tests and benchmarks. It keeps the due and PENDING indexes sorted,
 * so `queryDue` and `listPendingRuns` cost O(log n + page) like the real stores. Records are
 * copied in and out, so callers can never change what is stored by mutating what they got.
 */
import {
  ConflictError,
  ScheduleExistsError,
  ScheduleNotFoundError,
  StoreError,
} from "../errors.js";
import type { JsonValue } from "../json.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import {
  claimedSchedule,
  type DuePosition,
  isDue,
  isDuePosition,
  isInstant,
  isListPosition,
  isPendingPosition,
  matchesScheduleFilter,
  newSchedule,
  PAGE_SIZE,
  type PendingPosition,
  pageOfSchedules,
  pageSize,
  runConditionHolds,
  storedRun,
  updatedRun,
  updatedSchedule,
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
 * Creates an empty in-memory {@link ScheduleStore}. Nothing survives the process; see the
 * interface for the contract.
 */
export function createMemoryStore(): ScheduleStore {
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

  function page<T>(items: T[], more: boolean, position: () => unknown): Page<T> {
    return more ? { items, cursor: encodeCursor(position()) } : { items };
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
      const expected = options.expectedVersion;
      if (expected !== undefined && current.version !== expected) {
        throw new ConflictError(
          `schedule "${id}" is at version ${current.version}, not ${expected}: re-read it and retry`,
          { scheduleId: id },
        );
      }
      const at = options.now ?? changes.updatedAt ?? Date.now();
      return putSchedule(updatedSchedule(current, changes, at));
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
      const { items, last } = pageOfSchedules(matching, after, limit);
      return page(items.map(copySchedule), last !== undefined, () => last);
    },

    async queryDue(options) {
      const limit = pageSize(options.limit, PAGE_SIZE.due);
      const after =
        options.cursor === undefined ? undefined : decodeCursor(options.cursor, isDuePosition);
      const keys: DuePosition[] = [];
      for (const key of due.from(after)) {
        if (key[0] > options.dueBefore || keys.length > limit) break;
        keys.push(key);
      }
      const items = keys
        .slice(0, limit)
        .map(([, id]) => copySchedule(schedules.get(id) as ScheduleRecord));
      return page(items as ScheduleRecord[], keys.length > limit, () => keys[limit - 1]);
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
      const schedule = putSchedule(claimedSchedule(claim, Date.now()));
      for (const run of claim.runs) putRun(storedRun(run));
      return { claimed: true, schedule };
    },

    async createRun(run) {
      if (findRun(run.scheduleId, run.scheduledAt) !== undefined) {
        throw new ConflictError(`run "${run.runId}" exists already`, {
          scheduleId: run.scheduleId,
        });
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
        throw new ConflictError(
          `run of "${scheduleId}" at ${new Date(scheduledAt).toISOString()} ${status}, not one of ${condition.expect.join(", ") || "(none)"}`,
          { scheduleId },
        );
      }
      return putRun(updatedRun(run, changes, Date.now()));
    },

    async listRuns(scheduleId, options = {}) {
      const limit = pageSize(options.limit, PAGE_SIZE.runs);
      const cursorAt =
        options.cursor === undefined ? undefined : decodeCursor(options.cursor, isInstant);
      const before = Math.min(
        options.before ?? Number.POSITIVE_INFINITY,
        cursorAt ?? Number.POSITIVE_INFINITY,
      );
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
      return page(items.map(copyRun), found.length > limit, () => items.at(-1)?.scheduledAt);
    },

    async listPendingRuns(options) {
      const limit = pageSize(options.limit, PAGE_SIZE.pending);
      const after =
        options.cursor === undefined ? undefined : decodeCursor(options.cursor, isPendingPosition);
      const keys: PendingPosition[] = [];
      for (const key of pending.from(after)) {
        if (key[0] > options.createdBefore || keys.length > limit) break;
        keys.push(key);
      }
      const items = keys.slice(0, limit).map(([, id, at]) => copyRun(findRun(id, at) as RunRecord));
      return page(items as RunRecord[], keys.length > limit, () => keys[limit - 1]);
    },

    async close() {},
  };
}
