/**
 * What a tick writes for a due schedule: the run semantics of DESIGN.md ("Run semantics") as one
 * pure function over a record, its parsed schedule and the current instant.
 */
import { deadlineOf } from "../scheduling/deadline.js";
import type { Schedule } from "../scheduling/index.js";
import {
  RUN_STATUS,
  type RunRecord,
  type RunStatus,
  runIdOf,
  SCHEDULE_STATE,
  type ScheduleChanges,
  type ScheduleRecord,
} from "../store/types.js";
import { dueAtOf, followingOccurrence, latestOccurrence } from "./occurrences.js";

/** Tuning of {@link planDue}; every field has a default. */
export interface PlanOptions {
  /** Precise schedules are claimed this far ahead and sent with a delay. Default 60 s. */
  readonly lookaheadMs?: number;
  /**
   * Catch-up `none` still runs an occurrence this late: it is on time as far as a tick that runs
   * once a minute can tell. Default 90 s.
   */
  readonly onTimeToleranceMs?: number;
  /** Most run records one claim writes (catch-up `all`, precise lookahead). Default 20, max 25. */
  readonly maxRunsPerClaim?: number;
  /** How long run records are kept (their `expiresAt`). Default 30 days. */
  readonly runRetentionMs?: number;
}

/** The defaults of {@link PlanOptions}. */
export const PLAN_DEFAULTS = {
  lookaheadMs: 60_000,
  onTimeToleranceMs: 90_000,
  maxRunsPerClaim: 20,
  runRetentionMs: 30 * 86_400_000,
} as const satisfies Required<PlanOptions>;

/** What a claim of one due schedule writes, and what the tick must do after it. */
export interface DuePlan {
  /** The schedule's new fields; nextRunAt/dueAt are absent (undefined) once it has ended. */
  readonly changes: ScheduleChanges;
  /** Every run record the claim creates, ascending by scheduled time. */
  readonly runs: readonly RunRecord[];
  /** The PENDING runs among `runs`: the ones to dispatch. */
  readonly pending: readonly RunRecord[];
  /** MISSED and EXPIRED runs among `runs`: not dispatched, to be reported. */
  readonly notRun: readonly RunRecord[];
  /** The schedule ended with this claim (COMPLETED or EXPIRED). */
  readonly ended: boolean;
}

/**
 * Plans the claim of a due schedule at `now`, or returns undefined when it is not due: not
 * ENABLED, no next run, or its `dueAt` is after `now` (after `now + lookaheadMs` for a precise
 * schedule).
 *
 * Rules, for the occurrence at `nextRunAt` and those after it:
 * - **Deadline**: past the deadline, the occurrence is an EXPIRED run and the schedule EXPIRED.
 * - **Catch-up** for occurrences at or before `now`: `latest` runs only the most recent one;
 *   `all` runs each in turn, at most `maxRunsPerClaim` per claim (the rest stay due);
 *   `none` runs the most recent one only if it is within `onTimeToleranceMs`, else skips to the
 *   future (a skipped one-shot is recorded MISSED). Dropped occurrences leave no record.
 * - **Max lateness**: an occurrence later than `maxLatenessMs` is a MISSED run, not a run; with
 *   `all`, a stretch of too-late occurrences is one MISSED run for the latest of them.
 * - **Precise** schedules also claim every occurrence due within the lookahead.
 * - **End**: a one-shot, an exhausted schedule, `endAt` or `maxRuns` → COMPLETED, off the index.
 * - **No drift**: each next occurrence follows the previous *scheduled* one.
 * - **Jitter**: `dueAt` = scheduled time + a stable 0..`jitterMs` from the run id.
 *
 * @example
 * const plan = planDue(record, parseSchedule(record.expression, record), clock.now().getTime());
 * if (plan) await store.claim({ schedule: record, changes: plan.changes, runs: plan.runs });
 */
export function planDue(
  record: ScheduleRecord,
  schedule: Schedule,
  now: number,
  options: PlanOptions = {},
): DuePlan | undefined {
  const opts = { ...PLAN_DEFAULTS, ...options };
  const first = record.nextRunAt;
  if (record.state !== SCHEDULE_STATE.ENABLED || first === undefined) return undefined;
  const horizon = record.precise ? now + opts.lookaheadMs : now;
  if ((record.dueAt ?? first) > horizon) return undefined;
  const cap = Math.max(1, Math.min(25, opts.maxRunsPerClaim));

  const runs: RunRecord[] = [];
  let claimed = record.runCount;
  const add = (scheduledAt: number, status: RunStatus, reason?: string): void => {
    runs.push(runRecord(record, scheduledAt, status, now, opts.runRetentionMs, reason));
    claimed += 1;
  };
  const next = (after: number): number | undefined =>
    followingOccurrence(record, schedule, after, claimed);
  const exhausted = (t: number): boolean =>
    (record.maxRuns !== undefined && claimed >= record.maxRuns) ||
    (record.endAt !== undefined && t > record.endAt);

  const deadline = deadlineOf(schedule);
  if (deadline !== undefined && now > deadline) {
    add(first, RUN_STATUS.EXPIRED, `not run by its deadline ${new Date(deadline).toISOString()}`);
    return finish(record, runs, claimed, undefined, now, SCHEDULE_STATE.EXPIRED);
  }

  const tooLate = (t: number): boolean =>
    record.maxLatenessMs !== undefined && now - t > record.maxLatenessMs;
  const lateReason = (t: number): string =>
    `${now - t} ms late, over its maxLateness of ${record.maxLatenessMs} ms`;
  const runOrMiss = (t: number): void =>
    tooLate(t) ? add(t, RUN_STATUS.MISSED, lateReason(t)) : add(t, RUN_STATUS.PENDING);

  let cursor: number | undefined = exhausted(first) ? undefined : first;
  if (cursor !== undefined && cursor <= now && deadline !== undefined) {
    // A deadline runs as soon as possible before its deadline: catch-up does not apply.
    runOrMiss(cursor);
    cursor = undefined;
  } else if (cursor !== undefined && cursor <= now) {
    switch (record.catchUp) {
      case "latest": {
        const target = latestOccurrence(record, schedule, cursor, now);
        runOrMiss(target);
        cursor = next(target);
        break;
      }
      case "none": {
        const target = latestOccurrence(record, schedule, cursor, now);
        const onTime = now - target <= opts.onTimeToleranceMs;
        if (onTime) runOrMiss(target);
        else if (next(target) === undefined) {
          // Nothing comes after it, so skipping would drop it silently: record it.
          add(target, RUN_STATUS.MISSED, `${now - target} ms late, and catch-up is "none"`);
        }
        cursor = next(target);
        break;
      }
      case "all": {
        if (record.maxLatenessMs !== undefined && tooLate(cursor)) {
          const lastLate = latestOccurrence(
            record,
            schedule,
            cursor,
            now - record.maxLatenessMs - 1,
          );
          add(lastLate, RUN_STATUS.MISSED, lateReason(lastLate));
          cursor = next(lastLate);
        }
        while (cursor !== undefined && cursor <= now && runs.length < cap) {
          runOrMiss(cursor);
          cursor = next(cursor);
        }
        break;
      }
      default: {
        const unreachable: never = record.catchUp;
        return unreachable;
      }
    }
  }
  // Precise schedules take every occurrence due within the lookahead, each sent with its delay.
  while (
    record.precise &&
    cursor !== undefined &&
    cursor > now &&
    dueAtOf(record, cursor) <= horizon &&
    runs.length < cap
  ) {
    add(cursor, RUN_STATUS.PENDING);
    cursor = next(cursor);
  }
  return finish(record, runs, claimed, cursor, now, SCHEDULE_STATE.COMPLETED);
}

function finish(
  record: ScheduleRecord,
  runs: readonly RunRecord[],
  claimed: number,
  cursor: number | undefined,
  now: number,
  endState: typeof SCHEDULE_STATE.COMPLETED | typeof SCHEDULE_STATE.EXPIRED,
): DuePlan {
  const last = runs.at(-1);
  const ended = cursor === undefined;
  const changes: ScheduleChanges = {
    runCount: claimed,
    updatedAt: now,
    ...(last === undefined ? {} : { lastScheduledAt: last.scheduledAt }),
    ...(ended
      ? { state: endState, nextRunAt: undefined, dueAt: undefined }
      : { nextRunAt: cursor, dueAt: dueAtOf(record, cursor) }),
  };
  return {
    changes,
    runs,
    pending: runs.filter((run) => run.status === RUN_STATUS.PENDING),
    notRun: runs.filter((run) => run.status !== RUN_STATUS.PENDING),
    ended,
  };
}

/** The `error.name` of a run that was not run, by its status. */
const NOT_RUN_NAMES: Partial<Record<RunStatus, string>> = {
  MISSED: "MissedRun",
  EXPIRED: "DeadlineExpired",
};

/**
 * A run record as a claim creates it. PENDING runs carry the payload to dispatch; MISSED and
 * EXPIRED ones are final at once, with the reason in `error`.
 */
export function runRecord(
  record: ScheduleRecord,
  scheduledAt: number,
  status: RunStatus,
  now: number,
  retentionMs: number = PLAN_DEFAULTS.runRetentionMs,
  reason?: string,
): RunRecord {
  const final = status !== RUN_STATUS.PENDING;
  return {
    runId: runIdOf(record.id, scheduledAt),
    scheduleId: record.id,
    job: record.job,
    scheduledAt,
    dueAt: dueAtOf(record, scheduledAt),
    status,
    attempt: 0,
    payload: record.payload,
    ...(record.precise ? { precise: true } : {}),
    createdAt: now,
    updatedAt: now,
    ...(final ? { finishedAt: now } : {}),
    ...(final && reason !== undefined
      ? { error: { name: NOT_RUN_NAMES[status] ?? status, message: reason } }
      : {}),
    expiresAt: Math.floor((now + retentionMs) / 1_000),
  };
}
