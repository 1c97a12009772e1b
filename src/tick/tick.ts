/**
 * The tick: finds due occurrences, dispatches them, then claims them. Each shard of the due
 * index is worked under a lease, so two ticks never work one shard at once; inside a tick,
 * claims run concurrently (bounded), the next page is read while the current one is claimed, and
 * sends are batched. The protocol and why it loses and duplicates nothing: docs/claims.md.
 *
 * Pure over its injected store, dispatcher, clock and reporter; the Lambda handler
 * (handlers/tick.ts), the CLI and the local runner share it.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../clock.js";
import { dispatchOf, type ScheduleFacts } from "../dispatch/envelope.js";
import { type ErrorPublisher, FAILURE_EVENT_TYPE } from "../dispatch/errors-topic.js";
import type { Dispatcher } from "../dispatch/types.js";
import { DispatchError } from "../errors.js";
import { type DuePlan, PLAN_DEFAULTS, type PlanOptions, planDue } from "../planning/index.js";
import { scheduleOf } from "../planning/occurrences.js";
import type { JobLogger } from "../registry/types.js";
import { deadlineOf } from "../scheduling/deadline.js";
import type { Schedule } from "../scheduling/index.js";
import {
  type Page,
  RUN_STATUS,
  type RunRecord,
  type ScheduleRecord,
  type ScheduleStore,
} from "../store/types.js";
import { createPool, type Pool } from "./pool.js";
import { createBatchSender, type Send } from "./send.js";

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

/** Hands shards of the due index to other tick workers (see the tick handler). */
export interface FanOut {
  /** Queues one worker per shard; resolves once the transport has them. */
  handOff(shards: readonly number[]): Promise<void>;
  /**
   * Hand off at once every shard whose first page is full, and work only the others here (the
   * coordinating tick). Without it, only shards left unfinished at the deadline are handed off.
   */
  readonly eager?: boolean;
}

/** Tuning of one tick; every field has a default. */
export interface TickOptions extends PlanOptions {
  /** Epoch ms by which the tick stops claiming. Default {@link TICK_DEFAULTS}.durationMs from now. */
  readonly deadline?: number;
  /** Page size of the due query. Default 100. */
  readonly pageSize?: number;
  /** Claims in flight at once. Default 64. */
  readonly concurrency?: number;
  /** Most schedules read per tick. Default unlimited. */
  readonly maxSchedules?: number;
  /** The shards to work. Default every shard of the store. */
  readonly shards?: readonly number[];
  /** Where unfinished (and, when eager, heavy) shards go. Default: none; they wait for the next tick. */
  readonly fanOut?: FanOut;
  /** A shard's lease lasts until the deadline plus this. Default 30 s. */
  readonly leaseMarginMs?: number;
  /** Most schedules counted for the backlog of a shard left unfinished. Default 10,000. */
  readonly backlogCountMax?: number;
}

/** The defaults of {@link TickOptions}. */
export const TICK_DEFAULTS = {
  durationMs: 60_000,
  pageSize: 100,
  concurrency: 64,
  leaseMarginMs: 30_000,
  backlogCountMax: 10_000,
} as const;

/** What one tick did. */
export interface TickSummary {
  /** Schedules read from the due index. */
  read: number;
  /** Schedules claimed (advanced past what they dispatched or recorded). */
  claimed: number;
  /**
   * Claims refused because the schedule changed after it was read (an update, a pause): its
   * runs were sent, as they were due before the change.
   */
  lost: number;
  /** Runs the transport accepted. */
  dispatched: number;
  missed: number;
  expired: number;
  /** Schedules that ended (COMPLETED or EXPIRED). */
  completed: number;
  /** Due schedules left when the tick stopped, for the next tick or another worker. */
  backlog: number;
  /** `backlog` reached the count's cap: there may be more. */
  backlogCapped: boolean;
  /** Schedules whose send, claim or report failed; they stay due and are retried. */
  failed: number;
  /** Shards another tick was working (its lease held). */
  busy: number;
  /** Shards handed to other workers. */
  handedOff: number[];
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
    backlog: 0,
    backlogCapped: false,
    failed: 0,
    busy: 0,
    handedOff: [],
  };
}

/** One tick's state, shared by its shards. */
interface TickRun {
  readonly deps: TickDependencies;
  readonly options: TickOptions;
  readonly summary: TickSummary;
  readonly now: number;
  readonly deadline: number;
  readonly owner: string;
  readonly pool: Pool;
  readonly send: Send;
  /** An advanced schedule can reappear on a later page: one claim per schedule per tick. */
  readonly seen: Set<string>;
}

/**
 * Runs one tick at `clock.now()` over the store's due index, shard by shard (all at once, sharing
 * `concurrency` claim slots). For each due schedule it plans the occurrences (planDue), sends the
 * ones to run, reports the ones not run (MISSED, EXPIRED), then claims: records those and
 * advances the schedule if it is unchanged since it was read. It stops claiming at `deadline`,
 * counts what is left as backlog, and hands unfinished shards to `fanOut`.
 *
 * @example
 * const summary = await runTick({ store, dispatcher, clock: systemClock }, {
 *   deadline: Date.now() + context.getRemainingTimeInMillis() - 10_000,
 * });
 */
export async function runTick(
  deps: TickDependencies,
  options: TickOptions = {},
): Promise<TickSummary> {
  const now = deps.clock.now().getTime();
  const tick: TickRun = {
    deps,
    options,
    summary: emptySummary(),
    now,
    deadline: options.deadline ?? now + TICK_DEFAULTS.durationMs,
    owner: randomUUID(),
    pool: createPool(options.concurrency ?? TICK_DEFAULTS.concurrency),
    send: createBatchSender(deps.dispatcher),
    seen: new Set(),
  };
  const shards =
    options.shards ?? Array.from({ length: await deps.store.dueShards() }, (_, shard) => shard);
  const unfinished = await Promise.all(shards.map((shard) => tickShard(tick, shard)));
  const handOff = shards.filter((_, i) => unfinished[i]);
  if (handOff.length > 0 && options.fanOut !== undefined) {
    try {
      await options.fanOut.handOff(handOff);
      tick.summary.handedOff.push(...handOff);
    } catch (error) {
      deps.logger?.error("could not hand shards to other workers; the next tick takes them", {
        shards: handOff,
        error: String(error),
      });
    }
  }
  return tick.summary;
}

/** One page of a shard's due index (due by `now`, precise ones within the lookahead). */
function readDue(tick: TickRun, shard: number, cursor?: string): Promise<Page<ScheduleRecord>> {
  const lookahead = tick.options.lookaheadMs ?? PLAN_DEFAULTS.lookaheadMs;
  return tick.deps.store.queryDue({
    dueBefore: tick.now + lookahead,
    shard,
    limit: tick.options.pageSize ?? TICK_DEFAULTS.pageSize,
    ...(cursor === undefined ? {} : { cursor }),
  });
}

/**
 * Works one shard under its lease; true when due work is left there (or, fanning out eagerly,
 * when its first page is full). A shard with nothing due costs one query and no lease write.
 */
async function tickShard(tick: TickRun, shard: number): Promise<boolean> {
  const { store, logger } = tick.deps;
  const probe = await readDue(tick, shard);
  if (probe.items.length === 0) return false;
  if (probe.cursor !== undefined && tick.options.fanOut?.eager === true) return true;
  const name = `tick#${shard}`;
  const until = tick.deadline + (tick.options.leaseMarginMs ?? TICK_DEFAULTS.leaseMarginMs);
  if (!(await store.acquireLease({ name, owner: tick.owner, until, now: tick.now }))) {
    tick.summary.busy += 1;
    return false;
  }
  let left = false;
  try {
    // Read again under the lease: what the probe saw may have been claimed by the lease's last
    // holder, and a claim sends before it writes.
    left = await claimShard(tick, shard);
    if (left) await countBacklog(tick, shard);
  } finally {
    await store.releaseLease(name, tick.owner).catch((error: unknown) => {
      // It expires by itself; the next tick of this shard only waits for that.
      logger?.warn("could not release a tick lease", { lease: name, error: String(error) });
    });
  }
  return left;
}

/** Pages through a shard's due schedules, claiming each; true when it stopped with work left. */
async function claimShard(tick: TickRun, shard: number): Promise<boolean> {
  const { deps, options, summary, now } = tick;
  const maxSchedules = options.maxSchedules ?? Number.POSITIVE_INFINITY;
  const timeLeft = (): boolean => deps.clock.now().getTime() < tick.deadline;
  // Only what is due counts: the lookahead also returns standard schedules due later.
  const isDue = (record: ScheduleRecord): boolean => record.precise || (record.dueAt ?? 0) <= now;

  let next: Promise<Page<ScheduleRecord>> | undefined = readDue(tick, shard);
  let stopped = false;
  while (next !== undefined) {
    const page: Page<ScheduleRecord> = await next;
    // Read ahead while this page is claimed.
    next = page.cursor !== undefined && timeLeft() ? readDue(tick, shard, page.cursor) : undefined;
    for (const record of page.items) {
      if (!timeLeft() || summary.read >= maxSchedules) {
        stopped = true;
        break;
      }
      if (tick.seen.has(record.id)) {
        // Claimed once this tick and still due (catch-up "all" runs a bounded number per claim).
        if (isDue(record)) summary.backlog += 1;
        continue;
      }
      tick.seen.add(record.id);
      summary.read += 1;
      await tick.pool.start(() => claimOne(tick, record));
    }
    if (stopped) break;
    if (next === undefined && page.cursor !== undefined) stopped = true;
    // Let deliveries and other work in this process run between pages (local mode).
    await new Promise((resolve) => setImmediate(resolve));
  }
  await next?.catch(() => undefined);
  await tick.pool.drain();
  return stopped;
}

/** Counts a stopped shard's due schedules: an honest figure, capped. */
async function countBacklog(tick: TickRun, shard: number): Promise<void> {
  const max = tick.options.backlogCountMax ?? TICK_DEFAULTS.backlogCountMax;
  try {
    const count = await tick.deps.store.countDue({ dueBefore: tick.now, shard, max });
    tick.summary.backlog += count;
    if (count >= max) tick.summary.backlogCapped = true;
  } catch (error) {
    tick.summary.backlogCapped = true;
    tick.deps.logger?.warn("could not count the backlog", { shard, error: String(error) });
  }
}

/** Sends, reports and claims one due schedule; failures leave it due for the next tick. */
async function claimOne(tick: TickRun, record: ScheduleRecord): Promise<void> {
  const { deps, options, summary, now } = tick;
  try {
    const schedule = scheduleOf(record);
    const plan = planDue(record, schedule, now, options);
    if (plan === undefined) return;
    const facts = factsOf(record, schedule);
    const errors = await Promise.all(
      plan.pending.map((run) => tick.send(dispatchOf(run, now, facts))),
    );
    const refused = errors.filter((error) => error !== undefined);
    if (refused.length > 0) {
      // Not claimed, so it stays due and the next tick sends it again: the runs this one did
      // send arrive twice, and the invoke side starts each run once.
      summary.failed += 1;
      deps.logger?.warn("the transport refused a run; the schedule stays due", {
        scheduleId: record.id,
        refused: refused.length,
        error: refused[0]?.message,
      });
      return;
    }
    summary.dispatched += plan.pending.length;
    for (const run of plan.notRun) await report(deps, run, now);
    const claimed = await deps.store.claim({
      schedule: record,
      changes: plan.changes,
      records: plan.notRun,
    });
    if (!claimed.claimed) {
      summary.lost += 1;
      return;
    }
    count(summary, plan);
  } catch (error) {
    summary.failed += 1;
    deps.logger?.error("tick could not claim a schedule; it stays due", {
      scheduleId: record.id,
      error: String(error),
    });
  }
}

function count(summary: TickSummary, plan: DuePlan): void {
  summary.claimed += 1;
  if (plan.ended) summary.completed += 1;
  for (const run of plan.notRun) {
    if (run.status === RUN_STATUS.EXPIRED) summary.expired += 1;
    else summary.missed += 1;
  }
}

/** What the invoke side needs of the schedule to decide on the start (see Envelope). */
function factsOf(record: ScheduleRecord, schedule: Schedule): ScheduleFacts {
  const deadline = deadlineOf(schedule);
  return {
    ...(deadline === undefined ? {} : { deadline: new Date(deadline).toISOString() }),
    ...(record.overlap === undefined ? {} : { overlap: record.overlap }),
    ...(record.history === undefined ? {} : { history: record.history }),
  };
}

/**
 * Reports a MISSED or EXPIRED run before its claim, so that a crash in between reports it again
 * rather than never. Throws when the event was not published (the publisher answers false, or
 * throws), which leaves the schedule due: the next tick reports it again.
 */
async function report(deps: TickDependencies, run: RunRecord, now: number): Promise<void> {
  const published = await deps.reporter?.publish({
    type:
      run.status === RUN_STATUS.EXPIRED ? FAILURE_EVENT_TYPE.expired : FAILURE_EVENT_TYPE.missed,
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
  if (published === false) {
    throw new DispatchError(
      `the ${run.status} event of run "${run.runId}" was not published; the schedule stays due and the next tick reports it again`,
    );
  }
}
