/**
 * The failures view's one source: runs that failed for good or expired, across schedules,
 * newest first.
 */
import { listRunsAcross } from "../control/index.js";
import { RUN_STATUS, type RunRecord, type ScheduleStore } from "../store/types.js";

/** The statuses the failures list shows: both go to the errors topic, and both can be retried. */
const FAILURE_STATUSES = [RUN_STATUS.FAILED, RUN_STATUS.EXPIRED] as const;

/**
 * The `limit` most recent FAILED or EXPIRED runs across schedules, newest (latest scheduled
 * time) first: one page of the store's runs index per status, never a walk of the schedules.
 */
export async function recentFailures(store: ScheduleStore, limit: number): Promise<RunRecord[]> {
  const pages = await Promise.all(
    FAILURE_STATUSES.map((status) => listRunsAcross(store, { status, limit })),
  );
  return pages
    .flatMap((page) => page.items)
    .sort((a, b) => b.scheduledAt - a.scheduledAt)
    .slice(0, limit);
}
