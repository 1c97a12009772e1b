/**
 * The storage contract. Every adapter (DynamoDB, SQLite, memory) implements
 * {@link ScheduleStore} and passes the one contract suite in test/store/contract.ts.
 *
 * All instants are epoch milliseconds. Records are plain data; adapters own their encoding.
 */
import type { JsonValue } from "../json.js";
import type { Overlap } from "../registry/types.js";

/** Lifecycle of a schedule. Only ENABLED schedules with a `nextRunAt` are on the due index. */
export const SCHEDULE_STATE = {
  ENABLED: "ENABLED",
  PAUSED: "PAUSED",
  /** Ended normally: one-shot ran, `end` or `maxRuns` reached, rrule exhausted. */
  COMPLETED: "COMPLETED",
  /** A deadline schedule that had not run by its deadline. */
  EXPIRED: "EXPIRED",
} as const;
export type ScheduleState = (typeof SCHEDULE_STATE)[keyof typeof SCHEDULE_STATE];

/** What to do with occurrences missed during downtime or a pause. */
export const CATCH_UP = { latest: "latest", all: "all", none: "none" } as const;
export type CatchUp = (typeof CATCH_UP)[keyof typeof CATCH_UP];

/**
 * Which runs leave a record: `all` (default), or `failures`: a run that succeeds leaves none
 * (its start record expires when the run must be over), so a run costs one write fewer.
 */
export const HISTORY = { all: "all", failures: "failures" } as const;
export type History = (typeof HISTORY)[keyof typeof HISTORY];

/** Whether a schedule that has never run runs at once, or waits for its first occurrence. */
export const FIRST_RUN = { immediate: "immediate", scheduled: "scheduled" } as const;
export type FirstRun = (typeof FIRST_RUN)[keyof typeof FIRST_RUN];

/** Status of one occurrence (a run). Final statuses never change again. */
export const RUN_STATUS = {
  /**
   * Asked for (run-now), not yet handed to the transport. A scheduled occurrence has no record
   * until it starts: the tick keeps nothing between its dispatch and its start.
   */
  PENDING: "PENDING",
  /** Handed to SNS/SQS by run-now. */
  DISPATCHED: "DISPATCHED",
  RUNNING: "RUNNING",
  /** Failed, and the transport will deliver it again. */
  RETRYING: "RETRYING",
  SUCCEEDED: "SUCCEEDED",
  /** Failed on its last attempt. */
  FAILED: "FAILED",
  /** Not run: later than the schedule's `maxLateness`, or dropped by catch-up. */
  MISSED: "MISSED",
  /** Not run: a deadline schedule past its deadline. */
  EXPIRED: "EXPIRED",
  /**
   * Not run: overlap `skip` while the previous run was RUNNING, or overlap `buffer-one` while
   * another run was already waiting.
   */
  SKIPPED: "SKIPPED",
  /** Waiting, under overlap `buffer-one`, for the previous run to end; then it starts. */
  BUFFERED: "BUFFERED",
  /** Not run: cancelled by a person before it started (`cancel`); the invoke side never starts it. */
  CANCELLED: "CANCELLED",
} as const;
export type RunStatus = (typeof RUN_STATUS)[keyof typeof RUN_STATUS];

/** Statuses after which a run never changes. */
export const FINAL_RUN_STATUSES: readonly RunStatus[] = [
  RUN_STATUS.SUCCEEDED,
  RUN_STATUS.FAILED,
  RUN_STATUS.MISSED,
  RUN_STATUS.EXPIRED,
  RUN_STATUS.SKIPPED,
  RUN_STATUS.CANCELLED,
];

/**
 * Whether a run in each status is on the store's runs index, which {@link ScheduleStore.queryRuns}
 * reads across schedules. Only statuses a person may act on (and that few runs reach) are: a run
 * that succeeds at once never is, so it pays no index write. RUNNING is left out for the same
 * reason (every run passes through it); a run that stays RUNNING is found by `history <id>`.
 */
export const RUN_INDEXED = {
  [RUN_STATUS.PENDING]: true,
  [RUN_STATUS.DISPATCHED]: true,
  [RUN_STATUS.RUNNING]: false,
  [RUN_STATUS.RETRYING]: true,
  [RUN_STATUS.SUCCEEDED]: false,
  [RUN_STATUS.FAILED]: true,
  [RUN_STATUS.MISSED]: true,
  [RUN_STATUS.EXPIRED]: true,
  [RUN_STATUS.SKIPPED]: true,
  // Waiting under overlap buffer-one, for as long as the run before it: like RUNNING.
  [RUN_STATUS.BUFFERED]: false,
  [RUN_STATUS.CANCELLED]: true,
} as const satisfies Record<RunStatus, boolean>;

/** The statuses on the runs index (see {@link RUN_INDEXED}), in `RUN_STATUS` order. */
export const INDEXED_RUN_STATUSES: readonly RunStatus[] = Object.values(RUN_STATUS).filter(
  (status) => RUN_INDEXED[status],
);

/** Whether runs in `status` are on the runs index. */
export function isIndexedRunStatus(status: RunStatus): boolean {
  return RUN_INDEXED[status];
}

/** A stored schedule. */
export interface ScheduleRecord {
  /** `[A-Za-z0-9][A-Za-z0-9._:-]{0,127}` (no `@`: it separates the run id). */
  readonly id: string;
  readonly job: string;
  /** The schedule expression as given (see the schedule syntax). */
  readonly expression: string;
  /** IANA time zone; default `UTC`. */
  readonly timezone: string;
  readonly payload: JsonValue;
  readonly state: ScheduleState;
  readonly firstRun: FirstRun;
  readonly catchUp: CatchUp;
  /** Occurrences later than this are recorded MISSED instead of run. */
  readonly maxLatenessMs?: number;
  /** Overrides the job's overlap policy. */
  readonly overlap?: Overlap;
  /** `failures`: keep records of runs that did not succeed only (absent: keep all). */
  readonly history?: typeof HISTORY.failures;
  /** Each occurrence is delayed by a stable pseudo-random 0..jitterMs. */
  readonly jitterMs?: number;
  /** Sent straight to SQS with DelaySeconds so it starts within a second of its time. */
  readonly precise: boolean;
  /** No occurrence before this; also the anchor of `rate`. */
  readonly startAt?: number;
  /** No occurrence after this. */
  readonly endAt?: number;
  /** The schedule completes after this many claimed occurrences. */
  readonly maxRuns?: number;
  /** Occurrences claimed so far (run, missed or expired). */
  readonly runCount: number;
  /**
   * Scheduled time of the next occurrence; absent when not ENABLED or ended. For a schedule that
   * has never run with `firstRun: immediate`, this is its creation time.
   */
  readonly nextRunAt?: number;
  /** When the next occurrence becomes due: `nextRunAt` plus its jitter. The due index sorts on it. */
  readonly dueAt?: number;
  /** Scheduled time of the last claimed occurrence. */
  readonly lastScheduledAt?: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Incremented by every write; the condition of every conditional write. */
  readonly version: number;
}

/** The fields a caller may set when creating a schedule; the store sets the rest. */
export type NewScheduleRecord = Omit<ScheduleRecord, "version" | "updatedAt">;

/**
 * Fields that `updateSchedule` and `claim` may change. A key set to `undefined` removes the field
 * from the record; a key that is absent leaves it as it is (except in a {@link Claim}).
 */
export type ScheduleChanges = Partial<Omit<ScheduleRecord, "id" | "createdAt" | "version">>;

/** A run error, bounded in size by the writer (message ≤ 4 KiB, stack ≤ 8 KiB). */
export interface RunError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/**
 * A failure event that was recorded but is not known to be published yet: the write that
 * records RETRYING, FAILED or EXPIRED sets it, and a publish that succeeded clears it. Whoever
 * reads the run next (a redelivery of its message) publishes the event again from the run's
 * `error` and clears it, so that a crash between the write and the publish loses no event.
 */
export interface UnreportedEvent {
  /** The event's type, e.g. `run.failed` or `run.expired`. */
  readonly type: string;
  /** No further attempt will be made. */
  readonly final: boolean;
  /** The attempt that failed. */
  readonly attempt: number;
}

/** One occurrence of a schedule. Keyed by (scheduleId, scheduledAt). */
export interface RunRecord {
  /** `<scheduleId>@<scheduled ISO time>`; see {@link runIdOf}. */
  readonly runId: string;
  readonly scheduleId: string;
  readonly job: string;
  readonly scheduledAt: number;
  /** When it became due (scheduledAt + jitter), or when it was asked for by run-now. */
  readonly dueAt: number;
  readonly status: RunStatus;
  /** Deliveries so far (0 until the first starts). */
  readonly attempt: number;
  /**
   * The payload it ran with, when the writer kept it (run-now does; the invoke side does not, so
   * that a run item stays small: the schedule holds the payload).
   */
  readonly payload?: JsonValue;
  /** Asked for by run-now rather than by the schedule. */
  readonly manual?: boolean;
  /** Send straight to SQS with a delay (precise schedules). */
  readonly precise?: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly dispatchedAt?: number;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly durationMs?: number;
  readonly error?: RunError;
  /** The handler's result, JSON, bounded (≤ 4 KiB) by the writer. */
  readonly result?: JsonValue;
  /** Retention: epoch *seconds* after which the store may delete the record (DynamoDB TTL). */
  readonly expiresAt?: number;
  /**
   * The delivery that wrote RUNNING (a per-delivery id), so that a delivery whose start write
   * succeeded but whose answer was lost recognises its own write when the retry is refused.
   */
  readonly owner?: string;
  /** A failure event recorded but not yet known to be published; see {@link UnreportedEvent}. */
  readonly unreported?: UnreportedEvent;
}

/** Fields that `updateRun` may change; as in {@link ScheduleChanges}, `undefined` removes one. */
export type RunChanges = Partial<
  Omit<RunRecord, "runId" | "scheduleId" | "scheduledAt" | "job" | "createdAt">
>;

/** The run id of an occurrence: `<scheduleId>@<scheduled ISO time>`. */
export function runIdOf(scheduleId: string, scheduledAt: number): string {
  return `${scheduleId}@${new Date(scheduledAt).toISOString()}`;
}

/**
 * The schedule and scheduled time of a run id made by {@link runIdOf}; undefined when `runId`
 * is not one (no `@`, or a time that is not the exact ISO form `runIdOf` writes).
 */
export function parseRunId(
  runId: string,
): { readonly scheduleId: string; readonly scheduledAt: number } | undefined {
  // A schedule id has no "@", so the first one separates the two parts.
  const at = runId.indexOf("@");
  if (at <= 0) return undefined;
  const scheduleId = runId.slice(0, at);
  const scheduledAt = Date.parse(runId.slice(at + 1));
  if (!Number.isFinite(scheduledAt) || runIdOf(scheduleId, scheduledAt) !== runId) return undefined;
  return { scheduleId, scheduledAt };
}

/** One page of a listing; pass `cursor` back to get the next. */
export interface Page<T> {
  readonly items: readonly T[];
  /**
   * Opaque; present exactly when more items matched after this page, absent on the last page.
   * It marks a position (the last item returned), so items written between two pages may or may
   * not appear; none is returned twice unless it moved past the position (e.g. a claimed
   * schedule whose new `dueAt` is still within `dueBefore`).
   */
  readonly cursor?: string;
}

export interface ListSchedulesOptions {
  readonly job?: string;
  readonly state?: ScheduleState;
  /** Only schedules whose next run is at or before this. */
  readonly dueBefore?: number;
  /** Page size, default 100. */
  readonly limit?: number;
  readonly cursor?: string;
}

export interface QueryDueOptions {
  /** Schedules with `dueAt <= dueBefore`. */
  readonly dueBefore: number;
  /** Only this shard of the due index (0 ≤ shard < {@link ScheduleStore.dueShards}); default all. */
  readonly shard?: number;
  /** Page size, default 100. */
  readonly limit?: number;
  readonly cursor?: string;
}

export interface ListRunsOptions {
  /** Page size, default 20. */
  readonly limit?: number;
  readonly status?: RunStatus;
  /** Only runs scheduled strictly before this (to find the previous run of an occurrence). */
  readonly before?: number;
  readonly cursor?: string;
}

/** Options of {@link ScheduleStore.queryRuns}. */
export interface QueryRunsOptions {
  /** Only runs in this status, which must be on the runs index ({@link RUN_INDEXED}); default all of those. */
  readonly status?: RunStatus;
  /** Only runs of this job. */
  readonly job?: string;
  /** Only runs scheduled at or after this (epoch ms). */
  readonly since?: number;
  /** Page size, default 20. */
  readonly limit?: number;
  readonly cursor?: string;
}

/** Options of {@link ScheduleStore.countDue}. */
export interface CountDueOptions {
  /** Schedules with `dueAt <= dueBefore`. */
  readonly dueBefore: number;
  /** Only this shard; default all. */
  readonly shard?: number;
  /** Stop counting here: the answer is then a lower bound. */
  readonly max: number;
}

/**
 * What one claim writes: the occurrences' final records first, then the schedule, on the
 * condition that it is unchanged since it was read. The tick dispatches an occurrence *before*
 * claiming it (see docs/claims.md): the schedule staying due is what re-sends it after a crash.
 */
export interface Claim {
  /** The schedule exactly as it was read; the claim holds only if its `version` is unchanged. */
  readonly schedule: ScheduleRecord;
  /**
   * The new values of the schedule's fields, applied as by `updateSchedule`, except that
   * `nextRunAt` and `dueAt` always come from here: absent or `undefined` takes the schedule off
   * the due index (a claim always moves past the occurrence it claims). `updatedAt` defaults to
   * the store's clock.
   */
  readonly changes: ScheduleChanges;
  /**
   * Final records of occurrences that are not run (MISSED, EXPIRED), at most 25, with distinct
   * `scheduledAt`. Each is created unless a run of its occurrence exists already (an earlier,
   * crashed claim wrote it, or run-now made one), which is kept as it is. They are written even
   * when the schedule's condition then fails: such an occurrence was not run either way.
   */
  readonly records: readonly RunRecord[];
}

/** The lease on a piece of the tick's work (a due-index shard), so that ticks never overlap. */
export interface Lease {
  /** What is leased, e.g. `tick#3`. */
  readonly name: string;
  /** Who takes it: unique per tick. */
  readonly owner: string;
  /** Epoch ms until which it is held; the holder must be done by then. */
  readonly until: number;
  /** The taker's clock: a lease whose `until` is at or before this has expired. */
  readonly now: number;
}

/** Why a claim did not take. */
export const CLAIM_REFUSAL = {
  /**
   * The schedule's version is not the one read: another claim or an update came first (on
   * DynamoDB this also covers a concurrent transaction on the schedule). Re-read it.
   */
  scheduleChanged: "schedule-changed",
} as const;
export type ClaimRefusal = (typeof CLAIM_REFUSAL)[keyof typeof CLAIM_REFUSAL];

/** The outcome of {@link ScheduleStore.claim}: the advanced schedule, or why it did not take. */
export type ClaimResult =
  | { readonly claimed: true; readonly schedule: ScheduleRecord }
  | { readonly claimed: false; readonly reason: ClaimRefusal };

/**
 * Where schedules and their runs live.
 *
 * Promises:
 * - `claim` writes its final records, then the schedule only if its version is still the one
 *   read: of two claims made from the same read of a schedule, at most one advances it. A claim
 *   interrupted between the two leaves the schedule due, and the next claim completes it.
 * - `acquireLease` gives a lease to one owner at a time until it expires or is released.
 * - `queryDue` reads an index of due schedules: its cost grows with the number of due schedules
 *   returned, never with the number stored. It returns ENABLED schedules with
 *   `dueAt <= dueBefore`, ascending by `dueAt`.
 * - `listRuns` returns a schedule's runs newest (latest `scheduledAt`) first.
 * - `updateRun` and `startRun` are conditional on the run's current status, so two deliveries
 *   of one occurrence cannot both start it.
 * - `dueShards` is recorded with the data at first use; every writer places schedules by the
 *   recorded value, and an adapter configured with another value refuses to open.
 * - Writes that lose a condition throw {@link ConflictError}; a missing schedule on update
 *   throws {@link ScheduleNotFoundError}; an existing id on create throws
 *   {@link ScheduleExistsError}. Other backend failures throw {@link StoreError} with `cause`.
 *
 * Not promised:
 * - `queryDue` may return a schedule that a concurrent claim has just advanced: claims re-check.
 * - Listings other than `queryDue` may be O(table) on an adapter without
 *   an index for them (e.g. `listSchedules` filtered by job on DynamoDB scans); they are for
 *   people and the CLI, not for the tick.
 * - Runs past `expiresAt` may linger until the backend purges them (`getRun` still returns
 *   them; `listRuns` leaves them out).
 */
export interface ScheduleStore {
  /** Creates a schedule with `version` 1 and `updatedAt` = `createdAt`. */
  createSchedule(record: NewScheduleRecord): Promise<ScheduleRecord>;
  getSchedule(id: string): Promise<ScheduleRecord | undefined>;
  /**
   * Applies `changes`, increments `version`, sets `updatedAt` (to `now`, else
   * `changes.updatedAt`, else the store's clock). With `expectedVersion`, throws
   * {@link ConflictError} if the stored version differs; without it, the update is applied to
   * whatever version is current.
   */
  updateSchedule(
    id: string,
    changes: ScheduleChanges,
    options?: { readonly expectedVersion?: number; readonly now?: number },
  ): Promise<ScheduleRecord>;
  /** Deletes the schedule and its runs; false when it did not exist. */
  deleteSchedule(id: string): Promise<boolean>;
  /** Schedules sorted by `nextRunAt` ascending (those without one last), filtered. */
  listSchedules(options?: ListSchedulesOptions): Promise<Page<ScheduleRecord>>;

  /** How many shards the due index has; `queryDue` and `countDue` take 0 … n−1. */
  dueShards(): Promise<number>;
  /** Due ENABLED schedules, ascending by `dueAt`, from the due index (never a scan). */
  queryDue(options: QueryDueOptions): Promise<Page<ScheduleRecord>>;
  /** How many schedules `queryDue` would return, counting at most `max` (a lower bound then). */
  countDue(options: CountDueOptions): Promise<number>;
  /** Writes a claim's final records, then advances the schedule if unchanged; see {@link Claim}. */
  claim(claim: Claim): Promise<ClaimResult>;
  /**
   * Takes `lease.name` for `lease.owner` until `lease.until` if nobody holds it, its holder's
   * lease expired (`until <= now`), or `owner` holds it already; false when another owner does.
   */
  acquireLease(lease: Lease): Promise<boolean>;
  /** Gives a lease back, if `owner` still holds it. */
  releaseLease(name: string, owner: string): Promise<void>;

  /**
   * Creates a run that does not exist yet (run-now); ConflictError if it does. Like `claim`, it
   * stores `runId` as {@link runIdOf}(`scheduleId`, `scheduledAt`).
   */
  createRun(run: RunRecord): Promise<RunRecord>;
  getRun(scheduleId: string, scheduledAt: number): Promise<RunRecord | undefined>;
  /**
   * Changes a run if its status is one of `expect` (or it is RUNNING and started before
   * `staleRunningBefore`, i.e. its runner died); otherwise, or when the run does not exist,
   * throws {@link ConflictError}. Sets `updatedAt` (to `changes.updatedAt`, else the store's
   * clock).
   */
  updateRun(
    scheduleId: string,
    scheduledAt: number,
    changes: RunChanges,
    condition: { readonly expect: readonly RunStatus[]; readonly staleRunningBefore?: number },
  ): Promise<RunRecord>;
  /**
   * Starts (or ends unstarted) the run of `run.scheduleId` at `run.scheduledAt`: creates it as
   * `run` when no run of that occurrence exists, else applies `run`'s fields over the stored one
   * (keeping its `createdAt`, `job`, `manual` and `payload`: run-now wrote them, and the invoke
   * side runs what run-now asked for) if its status is one of `expect` or it is
   * RUNNING and started before `staleRunningBefore`; otherwise throws {@link ConflictError}. One
   * conditional write: the invoke side's first write of a delivery, which need not read first.
   */
  startRun(
    run: RunRecord,
    condition: { readonly expect: readonly RunStatus[]; readonly staleRunningBefore?: number },
  ): Promise<RunRecord>;
  /** A schedule's runs, newest first, leaving out runs past their `expiresAt`. */
  listRuns(scheduleId: string, options?: ListRunsOptions): Promise<Page<RunRecord>>;
  /**
   * Runs of every schedule whose status is on the runs index ({@link RUN_INDEXED}), newest
   * (latest `scheduledAt`) first, ties in an order of the adapter's choosing; filtered by
   * `status`, `job` and `since`, and leaving out runs past their `expiresAt`. Read from a sparse
   * index that holds only those statuses: its cost grows with the indexed runs it reads (those
   * of the asked status, or all indexed ones when `job` filters), never with the runs or
   * schedules stored. A `status` off the index (RUNNING, SUCCEEDED) throws {@link StoreError}:
   * such runs are read per schedule, with `listRuns`. A run that changes status between two
   * pages may appear in both or neither.
   */
  queryRuns(options?: QueryRunsOptions): Promise<Page<RunRecord>>;

  /** Releases connections/files. */
  close(): Promise<void>;
}
