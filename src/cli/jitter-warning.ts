/**
 * The warning `add` and `update` give when a schedule's jitter is as long as the time between
 * its runs: each run may then start after the next one was due, so runs bunch up or overlap.
 */
import { nextRuns } from "../scheduling/next.js";
import type { ScheduleRecord } from "../store/types.js";
import { formatDuration } from "./duration.js";

/**
 * The warning for `record`'s jitter, or undefined when there is no jitter, fewer than two runs
 * ahead, or the jitter is shorter than the interval. The interval is the time between the first
 * two runs after `now` (or the start), so a cron with uneven gaps is judged by its next one.
 *
 * @example
 * jitterWarning(record, new Date()); // "--jitter 2h is not shorter than the interval …"
 */
export function jitterWarning(record: ScheduleRecord, now: Date): string | undefined {
  const jitter = record.jitterMs;
  if (jitter === undefined || jitter <= 0) return undefined;
  let runs: Date[];
  try {
    runs = nextRuns(record.expression, {
      after: new Date(Math.max(now.getTime(), record.startAt ?? Number.NEGATIVE_INFINITY)),
      count: 2,
      timezone: record.timezone,
      ...(record.startAt === undefined ? {} : { start: new Date(record.startAt) }),
    });
  } catch {
    // The schedule was accepted; a warning that cannot be worked out is no reason to fail.
    return undefined;
  }
  const [first, second] = runs;
  if (first === undefined || second === undefined) return undefined;
  const interval = second.getTime() - first.getTime();
  if (jitter < interval) return undefined;
  return `--jitter ${formatDuration(jitter)} is not shorter than the interval between runs (${formatDuration(interval)}): a run may start after the next one was due; use less than ${formatDuration(interval)}`;
}
