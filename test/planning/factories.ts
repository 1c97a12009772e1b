/**
 * Factories for planning and tick tests: schedule records with every required field, and
 * instants written as ISO strings.
 */
import { type PlanOptions, planDue, scheduleOf } from "../../src/planning/index.js";
import type { ScheduleRecord } from "../../src/store/types.js";

/** Epoch ms of an ISO instant. */
export function ms(iso: string): number {
  const value = Date.parse(iso);
  if (Number.isNaN(value)) throw new Error(`not an instant: ${iso}`);
  return value;
}

/** ISO text of epoch ms, or undefined. */
export function iso(value: number | undefined): string | undefined {
  return value === undefined ? undefined : new Date(value).toISOString();
}

/**
 * An ENABLED schedule record created at 2026-01-05T00:00:00Z, due at `nextRunAt` (default: its
 * creation), with `overrides` applied; `dueAt` follows `nextRunAt` unless given.
 */
export function scheduleRecord(overrides: Partial<ScheduleRecord> = {}): ScheduleRecord {
  const createdAt = overrides.createdAt ?? ms("2026-01-05T00:00:00Z");
  const nextRunAt = "nextRunAt" in overrides ? overrides.nextRunAt : createdAt;
  return {
    id: "s1",
    job: "hello",
    expression: "rate(1 minute)",
    timezone: "UTC",
    payload: { name: "Ada" },
    state: "ENABLED",
    firstRun: "immediate",
    catchUp: "latest",
    precise: false,
    runCount: 0,
    createdAt,
    updatedAt: createdAt,
    version: 1,
    ...overrides,
    nextRunAt,
    dueAt: "dueAt" in overrides ? overrides.dueAt : nextRunAt,
  };
}

/** Plans `record` at the ISO instant `now`. */
export function planAt(record: ScheduleRecord, now: string, options?: PlanOptions) {
  return planDue(record, scheduleOf(record), ms(now), options);
}

/** Applies a plan's changes to a record, as a store's claim would. */
export function applyPlan(
  record: ScheduleRecord,
  plan: NonNullable<ReturnType<typeof planDue>>,
): ScheduleRecord {
  return { ...record, ...plan.changes, version: record.version + 1 } as ScheduleRecord;
}
