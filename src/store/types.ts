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

/** Whether a schedule that has never run runs at once, or waits for its first occurrence. */
export const FIRST_RUN = { immediate: "immediate", scheduled: "scheduled" } as const;
export type FirstRun = (typeof FIRST_RUN)[keyof typeof FIRST_RUN];

/** Status of one occurrence (a run). Final statuses never change again. */
export const RUN_STATUS = {
  /** Claimed by a tick, not yet handed to the transport (the outbox). */
  PENDING: "PENDING",
  /** Handed to SNS/SQS. */
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
  /** Not run: overlap `skip` while the previous run was RUNNING. */
  SKIPPED: "SKIPPED",
} as const;
export type RunStatus = (typeof RUN_STATUS)[keyof typeof RUN_STATUS];

/** Statuses after which a run never changes. */
export const FINAL_RUN_STATUSES: readonly RunStatus[] = [
  RUN_STATUS.SUCCEEDED,
  RUN_STATUS.FAILED,
  RUN_STATUS.MISSED,
  RUN_STATUS.EXPIRED,
  RUN_STATUS.SKIPPED,
];

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
  /** The payload it runs with (kept so that a PENDING run can be re-driven). */
  readonly payload: JsonValue;
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
}

/** Fields that `updateRun` may change; as in {@link ScheduleChanges}, `undefined` removes one. */
export type RunChanges = Partial<
  Omit<RunRecord, "runId" | "scheduleId" | "scheduledAt" | "job" | "createdAt">
>;

/** The run id of an occurrence: `<scheduleId>@<scheduled ISO time>`. */
export function runIdOf(scheduleId: string, scheduledAt: number): string {
  return `${scheduleId}@${new Date(scheduledAt).toISOString()}`;
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
  /** Page size, default 100. */
  readonly limit?: number;
  readonly cursor?: string;
}

/** Options of {@link ScheduleStore.listPendingRuns}. */
export interface ListPendingRunsOptions {
  /** PENDING runs with `createdAt <= createdBefore`. */
  readonly createdBefore: number;
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

/** What one claim writes, all or nothing. */
export interface Claim {
  /**
   * The schedule exactly as it was read; the claim holds only if its `version` is unchanged
   * (an adapter may write this record with `changes` applied in place of the stored one).
   */
  readonly schedule: ScheduleRecord;
  /**
   * The new values of the schedule's fields, applied as by `updateSchedule`, except that
   * `nextRunAt` and `dueAt` always come from here: absent or `undefined` takes the schedule off
   * the due index (a claim always moves past the occurrence it claims). `updatedAt` defaults to
   * the store's clock.
   */
  readonly changes: ScheduleChanges;
  /**
   * Run records to create; each must not exist yet. At most 25, with distinct `scheduledAt`.
   * Each carries the payload, and DynamoDB refuses a transaction over 4 MB: with payloads near
   * the 256 KiB limit, claim fewer runs at a time (about 14), or the claim fails with StoreError.
   */
  readonly runs: readonly RunRecord[];
}

/** Why a claim did not take. */
export const CLAIM_REFUSAL = {
  /**
   * The schedule's version is not the one read: another claim or an update came first (on
   * DynamoDB this also covers a concurrent transaction on the schedule). Re-read it.
   */
  scheduleChanged: "schedule-changed",
  /** One of the runs exists already (e.g. created by run-now); nothing was written. */
  runExists: "run-exists",
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
 * - `claim` is atomic: the schedule changes and every run record is created, or nothing is
 *   written. Of two claims made from the same read of a schedule, at most one succeeds.
 * - `queryDue` reads an index of due schedules: its cost grows with the number of due schedules
 *   returned, never with the number stored. It returns ENABLED schedules with
 *   `dueAt <= dueBefore`, ascending by `dueAt`.
 * - `listRuns` returns a schedule's runs newest (latest `scheduledAt`) first.
 * - `updateRun` is conditional on the run's current status, so two deliveries of one occurrence
 *   cannot both start it.
 * - Writes that lose a condition throw {@link ConflictError}; a missing schedule on update
 *   throws {@link ScheduleNotFoundError}; an existing id on create throws
 *   {@link ScheduleExistsError}. Other backend failures throw {@link StoreError} with `cause`.
 *
 * Not promised:
 * - `queryDue` may return a schedule that a concurrent claim has just advanced: claims re-check.
 * - Listings other than `queryDue` and `listPendingRuns` may be O(table) on an adapter without
 *   an index for them (e.g. `listSchedules` filtered by job on DynamoDB scans); they are for
 *   people and the CLI, not for the tick.
 * - Runs past `expiresAt` may linger until the backend purges them.
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

  /** Due ENABLED schedules, ascending by `dueAt`, from the due index (never a scan). */
  queryDue(options: QueryDueOptions): Promise<Page<ScheduleRecord>>;
  /** Atomically advances a schedule and creates its run records; see {@link Claim}. */
  claim(claim: Claim): Promise<ClaimResult>;

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
  /** A schedule's runs, newest first. */
  listRuns(scheduleId: string, options?: ListRunsOptions): Promise<Page<RunRecord>>;
  /** PENDING runs created at or before `createdBefore`, oldest first, from an index. */
  listPendingRuns(options: ListPendingRunsOptions): Promise<Page<RunRecord>>;

  /** Releases connections/files. */
  close(): Promise<void>;
}
