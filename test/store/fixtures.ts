/**
 * Record factories for the store tests: a valid schedule or run with sensible defaults, so each
 * test states only what it is about.
 */
import type { JsonValue } from "../../src/json.js";
import type {
  NewScheduleRecord,
  Page,
  RunRecord,
  ScheduleRecord,
  ScheduleStore,
} from "../../src/store/types.js";
import { RUN_STATUS, runIdOf } from "../../src/store/types.js";

/** 2026-01-01T00:00:00.000Z: every test's "now". */
export const T0 = Date.UTC(2026, 0, 1);
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;

/** A copy without the keys set to `undefined`: how a store returns a record. */
function defined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
}

/**
 * An ENABLED `rate(1 minute)` schedule due at `T0`. An override set to `undefined` leaves the
 * field out.
 */
export function aSchedule(
  id: string,
  overrides: Partial<NewScheduleRecord> = {},
): NewScheduleRecord {
  return defined({
    id,
    job: "hello",
    expression: "rate(1 minute)",
    timezone: "UTC",
    payload: { greeting: "hi" },
    state: "ENABLED",
    firstRun: "immediate",
    catchUp: "latest",
    precise: false,
    runCount: 0,
    nextRunAt: T0,
    dueAt: T0,
    createdAt: T0 - MINUTE,
    ...overrides,
  });
}

/** A schedule with every optional field set. */
export function aFullSchedule(id: string): NewScheduleRecord {
  return aSchedule(id, {
    job: "snapshot",
    expression: "cron(0 12 ? * MON-FRI *)",
    timezone: "Europe/Berlin",
    payload: { volumeId: "vol-1", tags: ["a", "b"], keep: 7, dryRun: false, note: null },
    firstRun: "scheduled",
    catchUp: "all",
    maxLatenessMs: 5 * MINUTE,
    overlap: "skip",
    jitterMs: 30 * SECOND,
    precise: true,
    startAt: T0 - 60 * MINUTE,
    endAt: T0 + 365 * 24 * 60 * MINUTE,
    maxRuns: 10,
    runCount: 3,
    nextRunAt: T0,
    dueAt: T0 + 12 * SECOND,
    lastScheduledAt: T0 - 24 * 60 * MINUTE,
  });
}

/** A PENDING run of `scheduleId` scheduled at `scheduledAt`, created then. */
export function aRun(
  scheduleId: string,
  scheduledAt: number,
  overrides: Partial<RunRecord> = {},
): RunRecord {
  return defined({
    runId: runIdOf(scheduleId, scheduledAt),
    scheduleId,
    job: "hello",
    scheduledAt,
    dueAt: scheduledAt,
    status: RUN_STATUS.PENDING,
    attempt: 0,
    payload: { greeting: "hi" },
    createdAt: scheduledAt,
    updatedAt: scheduledAt,
    ...overrides,
  });
}

/** A finished run with every optional field set. */
export function aFullRun(scheduleId: string, scheduledAt: number): RunRecord {
  return aRun(scheduleId, scheduledAt, {
    dueAt: scheduledAt + 7 * SECOND,
    status: RUN_STATUS.FAILED,
    attempt: 3,
    manual: true,
    precise: true,
    dispatchedAt: scheduledAt + 8 * SECOND,
    startedAt: scheduledAt + 9 * SECOND,
    finishedAt: scheduledAt + 10 * SECOND,
    durationMs: 1_234.5,
    error: {
      name: "TypeError",
      message: "boom",
      stack: "TypeError: boom\n    at job (job.ts:1:1)",
    },
    result: null,
    expiresAt: Math.floor(scheduledAt / 1_000) + 30 * 24 * 3_600,
    owner: "delivery-1",
    unreported: { type: "run.failed", final: true, attempt: 3 },
  });
}

/** The stored form of a new schedule: version 1, updatedAt = createdAt. */
export function stored(record: NewScheduleRecord): ScheduleRecord {
  return { ...record, version: 1, updatedAt: record.createdAt };
}

/** A JSON value of about `bytes` bytes when encoded. */
export function largePayload(bytes: number): JsonValue {
  const items: JsonValue[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i += 1) {
    const item = { index: i, text: `item ${i} ${"x".repeat(90)}`, flag: i % 2 === 0 };
    size += JSON.stringify(item).length + 1;
    items.push(item);
  }
  return { items };
}

/** Every page of a listing, following cursors; checks that only the last page lacks one. */
export async function allPages<T>(
  read: (cursor: string | undefined) => Promise<Page<T>>,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await read(cursor);
    pages += 1;
    items.push(...page.items);
    cursor = page.cursor;
    if (pages > 1_000) throw new Error("cursor never ended");
  } while (cursor !== undefined);
  return { items, pages };
}

/** Creates the schedules, in order. */
export async function createAll(
  store: ScheduleStore,
  records: readonly NewScheduleRecord[],
): Promise<void> {
  for (const record of records) await store.createSchedule(record);
}
