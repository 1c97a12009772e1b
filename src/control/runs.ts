/**
 * Runs on demand and previews: `runNow` and `previewRuns`.
 */
import { systemClock } from "../clock.js";
import { dispatchOf } from "../dispatch/envelope.js";
import type { Dispatcher } from "../dispatch/types.js";
import { ConflictError, DispatchError, ScheduleNotFoundError } from "../errors.js";
import {
  dueAtOf,
  firstOccurrence,
  followingOccurrence,
  latestOccurrence,
  runRecord,
  scheduleOf,
} from "../planning/index.js";
import { isOneShot } from "../scheduling/index.js";
import { RUN_STATUS, type RunRecord, SCHEDULE_STATE, type ScheduleRecord } from "../store/types.js";
import type { ControlDependencies } from "./deps.js";
import { checkJob, checkPayload } from "./input.js";

/** What {@link runNow} returns. */
export interface RunNowResult {
  /** The manual run, as last written (DISPATCHED, or PENDING when no dispatcher was given). */
  readonly run: RunRecord;
  /** Whether it was handed to the transport; if not, it stays PENDING until run-now is asked again. */
  readonly dispatched: boolean;
}

/**
 * Runs a schedule's job once, now, outside its schedule: creates a manual PENDING run scheduled
 * at now and dispatches it at once, its envelope marked `manual` (exempt from a deadline) and
 * carrying the schedule's overlap policy. The schedule itself (next run, run count) does not
 * change. `payload` overrides the schedule's for this run (validated like a schedule's). Nothing
 * re-sends a PENDING run: without a dispatcher, or when the transport refused it (then it throws
 * `DispatchError`), the run stays PENDING and the caller asks again.
 *
 * @example
 * const { run } = await runNow("nightly", { store, dispatcher });
 * console.log(run.runId); // nightly@2026-05-01T09:30:12.345Z
 */
export async function runNow(
  id: string,
  deps: ControlDependencies & { readonly dispatcher?: Dispatcher },
  options: { readonly payload?: unknown } = {},
): Promise<RunNowResult> {
  const record = await deps.store.getSchedule(id);
  if (record === undefined) throw new ScheduleNotFoundError(id);
  const payload =
    options.payload === undefined
      ? record.payload
      : await checkPayload(options.payload, checkJob(record.job, deps.jobs));
  const now = (deps.clock ?? systemClock).now().getTime();
  const run = await createManualRun({ ...record, payload }, now, deps);
  if (deps.dispatcher === undefined) return { run, dispatched: false };

  const [sent] = await sendManualRuns([run], record, now, { ...deps, dispatcher: deps.dispatcher });
  if (sent?.error !== undefined) {
    throw new DispatchError(
      `run ${run.runId} was recorded but could not be sent (${sent.error.message}); it stays PENDING and is not sent again: ask for the run once more`,
      { cause: sent.error },
    );
  }
  return { run: sent?.run ?? run, dispatched: true };
}

/** One manual run after {@link sendManualRuns}: as last written, and why it was not sent. */
export interface SentRun {
  readonly run: RunRecord;
  /** Set when the transport refused it: it stays PENDING. */
  readonly error?: Error;
}

/**
 * Hands manual PENDING runs to the dispatcher in one batch, their envelopes carrying the
 * schedule's overlap policy, and records each one sent DISPATCHED. Without a dispatcher they
 * stay PENDING (no error). A run already started by the invoke side counts as sent.
 */
export async function sendManualRuns(
  runs: readonly RunRecord[],
  record: ScheduleRecord,
  now: number,
  deps: ControlDependencies & { readonly dispatcher?: Dispatcher },
): Promise<SentRun[]> {
  if (runs.length === 0) return [];
  const dispatcher = deps.dispatcher;
  if (dispatcher === undefined) return runs.map((run) => ({ run }));
  const facts = record.overlap === undefined ? {} : { overlap: record.overlap };
  const refused = new Map<string, Error>();
  try {
    const result = await dispatcher.dispatch(runs.map((run) => dispatchOf(run, now, facts)));
    for (const failure of result.failed) refused.set(failure.runId, failure.error);
  } catch (error) {
    const cause = error instanceof Error ? error : new Error(String(error));
    for (const run of runs) refused.set(run.runId, cause);
  }
  const sent: SentRun[] = [];
  for (const run of runs) {
    const error = refused.get(run.runId);
    if (error !== undefined) {
      sent.push({ run, error });
      continue;
    }
    try {
      const dispatched = await deps.store.updateRun(
        run.scheduleId,
        run.scheduledAt,
        { status: RUN_STATUS.DISPATCHED, dispatchedAt: now, updatedAt: now },
        { expect: [RUN_STATUS.PENDING] },
      );
      sent.push({ run: dispatched });
    } catch (error) {
      // Already started by the invoke side: it was delivered.
      if (!(error instanceof ConflictError)) throw error;
      sent.push({ run });
    }
  }
  return sent;
}

/** Creates the manual run at `now`, one millisecond later if that instant is taken. */
async function createManualRun(
  record: ScheduleRecord,
  now: number,
  deps: ControlDependencies,
): Promise<RunRecord> {
  for (let offset = 0; ; offset++) {
    const at = now + offset;
    const run: RunRecord = {
      ...runRecord(record, at, RUN_STATUS.PENDING, now),
      dueAt: at,
      manual: true,
    };
    try {
      return await deps.store.createRun(run);
    } catch (error) {
      if (!(error instanceof ConflictError) || offset >= 9) throw error;
    }
  }
}

/** One upcoming occurrence. */
export interface PreviewRun {
  /** The scheduled time: the run id's time, and the job's `ctx.scheduledAt`. */
  readonly scheduledAt: Date;
  /** When it becomes due: scheduled time plus the schedule's jitter. */
  readonly dueAt: Date;
}

/**
 * The next `count` occurrences of a stored schedule as the tick will take them: from its next
 * run (for a PAUSED one, from where resuming would restart), with its end, `maxRuns` and jitter
 * applied. Missed occurrences collapse to the latest one, as catch-up `latest` and `none` do
 * (with `all`, each is listed). Empty for an ended schedule.
 *
 * @example
 * for (const run of await previewRuns("nightly", 5, { store })) console.log(run.scheduledAt);
 */
export async function previewRuns(
  id: string,
  count: number,
  deps: ControlDependencies,
): Promise<PreviewRun[]> {
  const record = await deps.store.getSchedule(id);
  if (record === undefined) throw new ScheduleNotFoundError(id);
  const schedule = scheduleOf(record);
  const now = (deps.clock ?? systemClock).now().getTime();
  let next: number | undefined;
  if (record.state === SCHEDULE_STATE.ENABLED) next = record.nextRunAt;
  else if (record.state === SCHEDULE_STATE.PAUSED) {
    next =
      record.lastScheduledAt === undefined
        ? firstOccurrence(record, schedule)
        : followingOccurrence(record, schedule, record.lastScheduledAt, record.runCount);
  }
  if (next !== undefined && next < now && record.catchUp !== "all" && !isOneShot(schedule)) {
    next = latestOccurrence(record, schedule, next, now);
  }
  const runs: PreviewRun[] = [];
  let claimed = record.runCount;
  while (next !== undefined && runs.length < count) {
    runs.push({ scheduledAt: new Date(next), dueAt: new Date(dueAtOf(record, next)) });
    claimed += 1;
    next = followingOccurrence(record, schedule, next, claimed);
  }
  return runs;
}
