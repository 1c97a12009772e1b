/**
 * The failures view's one source: failed runs across schedules, newest first.
 */
import { RUN_STATUS, type RunRecord, type ScheduleStore } from "../store/types.js";

/** Schedules walked at most: the walk reads each one's runs, so it is bounded. */
export const FAILURES_SCHEDULE_LIMIT = 200;

/**
 * The `limit` most recent FAILED runs across schedules, newest (latest scheduled time) first.
 * It walks the schedules (at most {@link FAILURES_SCHEDULE_LIMIT}) and reads each one's failed
 * runs: one listing per schedule. An indexed listing across schedules replaces this body when
 * the store has one; the signature stays.
 */
export async function recentFailures(store: ScheduleStore, limit: number): Promise<RunRecord[]> {
  const found: RunRecord[] = [];
  let cursor: string | undefined;
  let walked = 0;
  do {
    const page = await store.listSchedules({
      limit: Math.min(100, FAILURES_SCHEDULE_LIMIT - walked),
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const schedule of page.items) {
      const runs = await store.listRuns(schedule.id, { status: RUN_STATUS.FAILED, limit });
      found.push(...runs.items);
    }
    walked += page.items.length;
    cursor = page.cursor;
  } while (cursor !== undefined && walked < FAILURES_SCHEDULE_LIMIT);
  return found.sort((a, b) => b.scheduledAt - a.scheduledAt).slice(0, limit);
}
