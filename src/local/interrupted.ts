/**
 * Runs a stopped local process left in flight. On AWS a RETRYING or RUNNING run still has its
 * SQS message, which comes back by itself; locally the in-process queue died with the process,
 * so nothing would ever deliver them again.
 */

import { envelopeOf } from "../dispatch/envelope.js";
import type { Dispatcher } from "../dispatch/types.js";
import { RUN_STATUS, type RunRecord, type ScheduleStore } from "../store/types.js";

/** Statuses a run can be left in when its process stops between deliveries. */
const IN_FLIGHT = [RUN_STATUS.RETRYING, RUN_STATUS.RUNNING] as const;

/**
 * Sends every RETRYING or RUNNING run of the store to `dispatcher` again, and returns how many.
 * The invoke core decides what each delivery does: a RETRYING run gets its next attempt, a
 * RUNNING one waits until it counts as abandoned and is then taken over.
 *
 * It reads the runs of every schedule: right for an embedded store at start-up, never for a tick.
 */
export async function redeliverInterrupted(
  store: ScheduleStore,
  dispatcher: Dispatcher,
): Promise<number> {
  const runs: RunRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listSchedules({ limit: 500, ...(cursor ? { cursor } : {}) });
    for (const schedule of page.items) {
      for (const status of IN_FLIGHT) {
        const { items } = await store.listRuns(schedule.id, { status, limit: 100 });
        runs.push(...items);
      }
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
  if (runs.length > 0) {
    await dispatcher.dispatch(runs.map((run) => ({ envelope: envelopeOf(run) })));
  }
  return runs.length;
}
