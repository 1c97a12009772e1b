/**
 * What every control-plane function works with, and the read-change-write loop they share.
 */
import { type Clock, systemClock } from "../clock.js";
import { ConflictError, ScheduleNotFoundError } from "../errors.js";
import type { JobLookup } from "../registry/types.js";
import type { ScheduleChanges, ScheduleRecord, ScheduleStore } from "../store/types.js";

/** What the control plane works with. */
export interface ControlDependencies {
  readonly store: ScheduleStore;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /**
   * The jobs that exist. When given, a schedule's job must be one of them and its payload must
   * fit the job's schema; when absent (jobs not loaded), any job name is accepted.
   */
  readonly jobs?: JobLookup;
}

/** The current instant, from the injected clock. */
export function nowOf(deps: Pick<ControlDependencies, "clock">): number {
  return (deps.clock ?? systemClock).now().getTime();
}

/** Re-reads and retries when a tick claims the schedule between our read and our write. */
export async function withLatest(
  id: string,
  deps: ControlDependencies,
  change: (record: ScheduleRecord, now: number) => Promise<ScheduleChanges | undefined>,
): Promise<ScheduleRecord> {
  for (let attempt = 1; ; attempt++) {
    const record = await deps.store.getSchedule(id);
    if (record === undefined) throw new ScheduleNotFoundError(id);
    const now = nowOf(deps);
    const changes = await change(record, now);
    if (changes === undefined) return record;
    try {
      return await deps.store.updateSchedule(
        id,
        { ...changes, updatedAt: now },
        {
          expectedVersion: record.version,
          now,
        },
      );
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= 5) throw error;
    }
  }
}
