/**
 * The tick's vocabulary: what it works with, its options and defaults, what it reports, and the
 * state one tick shares between its shards and claims.
 */
import type { Clock } from "../clock.js";
import type { ErrorPublisher } from "../dispatch/errors-topic.js";
import type { Dispatcher } from "../dispatch/types.js";
import type { PlanOptions } from "../planning/index.js";
import type { JobLogger } from "../registry/types.js";
import type { ScheduleStore } from "../store/types.js";
import type { Pool } from "./pool.js";
import type { Send } from "./send.js";

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
  /**
   * Epoch ms at which the oldest schedule read this tick fell due (its `dueAt`, at or before
   * the tick's time); undefined when none was. The tick's time minus it is how late the tick is.
   */
  oldestDueAt: number | undefined;
}

/** A summary of nothing done yet. */
export function emptySummary(): TickSummary {
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
    oldestDueAt: undefined,
  };
}

/** One tick's state, shared by its shards. */
export interface TickRun {
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
