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
import { PLAN_DEFAULTS } from "../planning/index.js";
import type { Page, ScheduleRecord } from "../store/types.js";
import { claimOne } from "./claim.js";
import { createPool } from "./pool.js";
import { createBatchSender } from "./send.js";
import {
  emptySummary,
  TICK_DEFAULTS,
  type TickDependencies,
  type TickOptions,
  type TickRun,
  type TickSummary,
} from "./types.js";

export {
  type FanOut,
  TICK_DEFAULTS,
  type TickDependencies,
  type TickLogger,
  type TickOptions,
  type TickSummary,
} from "./types.js";

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
      if (record.dueAt !== undefined && record.dueAt <= now) {
        summary.oldestDueAt = Math.min(summary.oldestDueAt ?? record.dueAt, record.dueAt);
      }
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
