/**
 * Backfill: runs the occurrences of a schedule that fell in a past range, once each, as an
 * operator fills a gap (an outage, a job that was broken, a schedule created late).
 */
import type { Dispatcher } from "../dispatch/types.js";
import { ConflictError, InvalidScheduleError, ScheduleNotFoundError } from "../errors.js";
import { occurrenceOptions, runRecord, scheduleOf } from "../planning/index.js";
import { nextRun } from "../scheduling/index.js";
import { RUN_STATUS, type RunRecord, type ScheduleRecord } from "../store/types.js";
import { type ControlDependencies, nowOf } from "./deps.js";
import { type Instant, toEpochMs } from "./input.js";
import { sendManualRuns } from "./runs.js";

/** Occurrences one backfill call considers when `max` is not given. */
export const DEFAULT_BACKFILL_MAX = 100;
/** The largest `max` a call accepts: each occurrence is one conditional write. */
export const BACKFILL_MAX_LIMIT = 1_000;

/** What to backfill. */
export interface BackfillOptions {
  /** First instant of the range (inclusive). */
  readonly from: Instant;
  /** Last instant of the range (inclusive); not after now: later occurrences are the tick's. */
  readonly to: Instant;
  /** List the occurrences and write nothing. */
  readonly dryRun?: boolean;
  /** Occurrences considered by this call, 1 to {@link BACKFILL_MAX_LIMIT}; default 100. */
  readonly max?: number;
}

/** What happened to one occurrence of the range. */
export const BACKFILL_OUTCOME = {
  /** Recorded and handed to the transport. */
  dispatched: "dispatched",
  /** Recorded PENDING: no dispatcher was given, or the transport refused it (it is sent again by the next backfill). */
  pending: "pending",
  /** A run of this occurrence existed already (the tick ran it, or an earlier backfill): left alone. */
  existed: "existed",
  /** Dry run: would be recorded and dispatched. */
  wouldDispatch: "would-dispatch",
} as const;
export type BackfillOutcome = (typeof BACKFILL_OUTCOME)[keyof typeof BACKFILL_OUTCOME];

/** One occurrence of the range and what the backfill did with it. */
export interface BackfillItem {
  readonly scheduledAt: number;
  readonly runId: string;
  readonly outcome: BackfillOutcome;
  /** For `existed`: the status of the run found. */
  readonly status?: RunRecord["status"];
  /** For `pending` after a refused send: why. */
  readonly error?: string;
}

/** What {@link backfill} returns. */
export interface BackfillResult {
  readonly scheduleId: string;
  readonly from: number;
  readonly to: number;
  readonly dryRun: boolean;
  /** Every occurrence considered, oldest first. */
  readonly items: readonly BackfillItem[];
  /**
   * When the cap stopped the call before the end of the range: the scheduled time of the first
   * occurrence not considered. Call again with it as `from` (or with the same range: the
   * occurrences done already are skipped, but still count towards the cap).
   */
  readonly nextFrom?: number;
}

function refuse(message: string, field: string): never {
  throw new InvalidScheduleError(message, { field });
}

/**
 * Runs every occurrence of schedule `id` scheduled in `[from, to]` (within its start and end),
 * oldest first and at most `max` per call, each as a manual run: a PENDING run record created
 * conditionally under the occurrence's own run id, then dispatched as run-now does. A run of
 * the occurrence that exists already is left alone (one the backfill recorded but could not
 * send, still PENDING, is sent again), so backfilling a range twice runs nothing twice. The
 * schedule itself (next run, run count, `maxRuns`) does not change, and being manual the runs
 * are exempt from `maxLateness`, a deadline and the overlap policy.
 *
 * What it cannot know: a run of a schedule with `history: failures` that succeeded left no
 * record, so a backfill over it runs it again; and a run the tick dispatched in the last
 * moments has no record until it starts.
 *
 * Refuses (with an `InvalidScheduleError` naming the field, writing nothing) a `from` or `to`
 * outside 1970–9999, `from` not before `to`, `to` after now, and a `max` out of range;
 * throws `ScheduleNotFoundError` for an unknown id.
 *
 * @example
 * const { items, nextFrom } = await backfill("nightly", {
 *   from: "2026-05-01T00:00:00Z",
 *   to: "2026-05-03T00:00:00Z",
 * }, { store, dispatcher });
 */
export async function backfill(
  id: string,
  options: BackfillOptions,
  deps: ControlDependencies & { readonly dispatcher?: Dispatcher },
): Promise<BackfillResult> {
  const from = toEpochMs(options.from, "from");
  const to = toEpochMs(options.to, "to");
  if (from >= to) {
    refuse(
      `from ${new Date(from).toISOString()} is not before to ${new Date(to).toISOString()}: give a range that ends after it starts`,
      "from",
    );
  }
  const now = nowOf(deps);
  if (to > now) {
    refuse(
      `to ${new Date(to).toISOString()} is in the future: backfill fills the past, and the tick runs what is to come; end the range at or before now`,
      "to",
    );
  }
  const max = options.max ?? DEFAULT_BACKFILL_MAX;
  if (!Number.isInteger(max) || max < 1 || max > BACKFILL_MAX_LIMIT) {
    refuse(`max must be a whole number from 1 to ${BACKFILL_MAX_LIMIT}, got ${max}`, "max");
  }
  const record = await deps.store.getSchedule(id);
  if (record === undefined) throw new ScheduleNotFoundError(id);

  const { occurrences, nextFrom } = occurrencesIn(record, from, to, max);
  const dryRun = options.dryRun === true;
  const base = {
    scheduleId: id,
    from,
    to,
    dryRun,
    ...(nextFrom === undefined ? {} : { nextFrom }),
  };
  if (dryRun) {
    const items = occurrences.map((scheduledAt) => ({
      scheduledAt,
      runId: runRecord(record, scheduledAt, RUN_STATUS.PENDING, now).runId,
      outcome: BACKFILL_OUTCOME.wouldDispatch,
    }));
    return { ...base, items };
  }

  const items = new Map<string, BackfillItem>();
  const toSend: RunRecord[] = [];
  for (const scheduledAt of occurrences) {
    const run: RunRecord = {
      ...runRecord(record, scheduledAt, RUN_STATUS.PENDING, now),
      // Asked for now, as a run-now is: its lateness is not the schedule's.
      dueAt: now,
      manual: true,
    };
    try {
      toSend.push(await deps.store.createRun(run));
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const existing = await deps.store.getRun(id, scheduledAt);
      if (existing?.status === RUN_STATUS.PENDING && existing.manual === true) {
        // Recorded by an earlier backfill or run-now that could not send it: nothing else will.
        toSend.push(existing);
        continue;
      }
      items.set(run.runId, {
        scheduledAt,
        runId: run.runId,
        outcome: BACKFILL_OUTCOME.existed,
        ...(existing === undefined ? {} : { status: existing.status }),
      });
    }
  }
  const sent = await sendManualRuns(toSend, record, now, deps);
  for (const { run, error } of sent) {
    items.set(run.runId, {
      scheduledAt: run.scheduledAt,
      runId: run.runId,
      outcome: error === undefined && deps.dispatcher !== undefined ? "dispatched" : "pending",
      ...(error === undefined ? {} : { error: error.message }),
    });
  }
  return {
    ...base,
    items: [...items.values()].sort((a, b) => a.scheduledAt - b.scheduledAt),
  };
}

/** Up to `max` occurrences in `[from, to]` within the schedule's start and end, and the next one. */
function occurrencesIn(
  record: ScheduleRecord,
  from: number,
  to: number,
  max: number,
): { occurrences: number[]; nextFrom?: number } {
  const schedule = scheduleOf(record);
  const options = occurrenceOptions(record, schedule);
  const low = Math.max(from, record.startAt ?? from);
  const high = Math.min(to, record.endAt ?? to);
  const occurrences: number[] = [];
  let next = nextRun(schedule, new Date(low - 1), options)?.getTime();
  while (next !== undefined && next <= high) {
    if (occurrences.length === max) return { occurrences, nextFrom: next };
    occurrences.push(next);
    next = nextRun(schedule, new Date(next), options)?.getTime();
  }
  return { occurrences };
}
