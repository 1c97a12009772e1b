/**
 * The tick: finds due occurrences, claims each exactly once, hands the claimed ones to the
 * transport, and re-drives runs a crashed tick left PENDING. Pure over its injected store,
 * dispatcher, clock and reporter; the Lambda handler (handlers/tick.ts) and the local runner
 * share it.
 */
import type { Clock } from "../clock.js";
import { type ErrorPublisher, FAILURE_EVENT_TYPE } from "../dispatch/errors-topic.js";
import type { Dispatcher } from "../dispatch/types.js";
import { ConflictError } from "../errors.js";
import {
  type DuePlan,
  PLAN_DEFAULTS,
  type PlanOptions,
  planDue,
  scheduleOf,
} from "../planning/index.js";
import type { JobLogger } from "../registry/types.js";
import {
  CLAIM_REFUSAL,
  RUN_STATUS,
  type RunRecord,
  type ScheduleRecord,
  type ScheduleStore,
} from "../store/types.js";
import { runSender } from "./send.js";

/** The logger the tick writes to. */
export type TickLogger = JobLogger;

/** What the tick works with. */
export interface TickDependencies {
  readonly store: ScheduleStore;
  readonly dispatcher: Dispatcher;
  readonly clock: Clock;
  /** Where EXPIRED and MISSED runs are reported (the errors topic; the log in local mode). */
  readonly reporter?: ErrorPublisher;
  readonly logger?: TickLogger;
}

/** Tuning of one tick; every field has a default. */
export interface TickOptions extends PlanOptions {
  /** Epoch ms by which the tick must return; it leaves the rest for the next tick. */
  readonly deadline?: number;
  /** Page size of the due query. Default 100. */
  readonly pageSize?: number;
  /** Most schedules claimed per tick. Default unlimited. */
  readonly maxSchedules?: number;
  /** A PENDING run older than this was left by a crashed tick: re-drive it. Default 2 min. */
  readonly redriveGraceMs?: number;
  /** Most runs re-driven per tick. Default 500. */
  readonly maxRedrive?: number;
  /**
   * Mark runs DISPATCHED once the transport took them. Default true. Local mode turns it off:
   * its in-process queue dies with the process, so a run must stay PENDING (re-drivable) until
   * it starts.
   */
  readonly markDispatched?: boolean;
}

/** What one tick did. */
export interface TickSummary {
  /** Schedules read from the due index. */
  read: number;
  /** Schedules whose claim took. */
  claimed: number;
  /** Claims lost to another tick or a concurrent update: normal. */
  lost: number;
  /** Runs handed to the transport (re-drives included). */
  dispatched: number;
  missed: number;
  expired: number;
  /** Schedules that ended (COMPLETED or EXPIRED). */
  completed: number;
  /** PENDING runs of an earlier tick dispatched again. */
  redriven: number;
  /** Due schedules left for the next tick (deadline or limit); a lower bound. */
  backlog: number;
  /** Claims, dispatches or reports that failed; they are retried by later ticks. */
  failed: number;
}

function emptySummary(): TickSummary {
  return {
    read: 0,
    claimed: 0,
    lost: 0,
    dispatched: 0,
    missed: 0,
    expired: 0,
    completed: 0,
    redriven: 0,
    backlog: 0,
    failed: 0,
  };
}

/**
 * Runs one tick at `clock.now()`: re-drives PENDING runs older than the grace period, then pages
 * through the due index (`dueAt <= now + lookahead`; a schedule that is not precise only once
 * its `dueAt <= now`), plans and claims each, and dispatches the claimed runs page by page.
 * Stops claiming when `deadline` comes, counting what is left as backlog.
 *
 * @example
 * const summary = await runTick({ store, dispatcher, clock: systemClock }, {
 *   deadline: systemClock.now().getTime() + context.getRemainingTimeInMillis() - 5_000,
 * });
 */
export async function runTick(
  deps: TickDependencies,
  options: TickOptions = {},
): Promise<TickSummary> {
  const { store, clock } = deps;
  const summary = emptySummary();
  const now = clock.now().getTime();
  const timeLeft = (): boolean =>
    options.deadline === undefined || clock.now().getTime() < options.deadline;
  const send = runSender(deps, summary, options.markDispatched ?? true);

  // Re-drive first: if due work always filled the tick, crashed runs would starve.
  const grace = options.redriveGraceMs ?? 120_000;
  const maxRedrive = options.maxRedrive ?? 500;
  let redriveCursor: string | undefined;
  do {
    if (!timeLeft() || summary.redriven >= maxRedrive) break;
    const page = await store.listPendingRuns({
      createdBefore: now - grace,
      limit: Math.min(100, maxRedrive - summary.redriven),
      ...(redriveCursor === undefined ? {} : { cursor: redriveCursor }),
    });
    summary.redriven += await send(page.items, now);
    redriveCursor = page.cursor;
  } while (redriveCursor !== undefined);

  const lookahead = options.lookaheadMs ?? PLAN_DEFAULTS.lookaheadMs;
  const maxSchedules = options.maxSchedules ?? Number.POSITIVE_INFINITY;
  // An advanced schedule can reappear on a later page; one claim per schedule per tick.
  const seen = new Set<string>();
  let cursor: string | undefined;
  do {
    if (!timeLeft()) break;
    const page = await store.queryDue({
      dueBefore: now + lookahead,
      limit: options.pageSize ?? 100,
      ...(cursor === undefined ? {} : { cursor }),
    });
    cursor = page.cursor;
    const pending: RunRecord[] = [];
    for (const [index, record] of page.items.entries()) {
      if (!timeLeft() || summary.claimed + summary.lost >= maxSchedules) {
        // Only what is due counts: the lookahead also returns standard schedules due later.
        summary.backlog += page.items
          .slice(index)
          .filter((left) => left.precise || (left.dueAt ?? 0) <= now).length;
        cursor = undefined;
        break;
      }
      if (seen.has(record.id)) continue;
      seen.add(record.id);
      summary.read += 1;
      try {
        const plan = planDue(record, scheduleOf(record), now, options);
        if (plan === undefined) continue;
        const claimed = await claimPlan(store, record, plan);
        if (claimed === undefined) {
          summary.lost += 1;
          continue;
        }
        summary.claimed += 1;
        if (claimed.ended) summary.completed += 1;
        pending.push(...claimed.pending);
        for (const run of claimed.notRun) await report(deps, summary, run, now);
      } catch (error) {
        if (error instanceof ConflictError) {
          summary.lost += 1;
          continue;
        }
        summary.failed += 1;
        deps.logger?.error("tick could not claim a schedule", {
          scheduleId: record.id,
          error: String(error),
        });
      }
    }
    summary.dispatched += await send(pending, now);
  } while (cursor !== undefined);
  return summary;
}

/**
 * Claims a plan. When a run it would create exists already (run-now made one at the same
 * instant), that occurrence has its run: the claim is made again without it, so the schedule
 * still advances instead of being refused on every tick. Undefined when the claim was lost.
 */
async function claimPlan(
  store: ScheduleStore,
  record: ScheduleRecord,
  plan: DuePlan,
): Promise<DuePlan | undefined> {
  const first = await store.claim({ schedule: record, changes: plan.changes, runs: plan.runs });
  if (first.claimed) return plan;
  if (first.reason !== CLAIM_REFUSAL.runExists) return undefined;
  const fresh: RunRecord[] = [];
  for (const run of plan.runs) {
    if ((await store.getRun(run.scheduleId, run.scheduledAt)) === undefined) fresh.push(run);
  }
  const second = await store.claim({ schedule: record, changes: plan.changes, runs: fresh });
  if (!second.claimed) return undefined;
  const kept = new Set(fresh);
  return {
    ...plan,
    runs: fresh,
    pending: plan.pending.filter((run) => kept.has(run)),
    notRun: plan.notRun.filter((run) => kept.has(run)),
  };
}

/** Reports a MISSED or EXPIRED run; publishers log their own failures, and so do we. */
async function report(
  deps: TickDependencies,
  summary: TickSummary,
  run: RunRecord,
  now: number,
): Promise<void> {
  const expired = run.status === RUN_STATUS.EXPIRED;
  if (expired) summary.expired += 1;
  else summary.missed += 1;
  try {
    await deps.reporter?.publish({
      type: expired ? FAILURE_EVENT_TYPE.expired : FAILURE_EVENT_TYPE.missed,
      job: run.job,
      scheduleId: run.scheduleId,
      runId: run.runId,
      attempt: 0,
      final: true,
      error: run.error ?? {
        name: run.status,
        message: `${run.status} at ${new Date(now).toISOString()}`,
      },
      at: new Date(now).toISOString(),
    });
  } catch (error) {
    summary.failed += 1;
    deps.logger?.error("tick could not report a run that was not run", {
      runId: run.runId,
      error: String(error),
    });
  }
}
