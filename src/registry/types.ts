/**
 * Job types: what `defineJob` takes and what a job handler receives.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { JsonValue } from "../json.js";

/**
 * What to do with an occurrence while the schedule's previous run is still RUNNING: run it
 * anyway (`allow`), drop it (`skip`, recorded SKIPPED), or hold it until that run ends
 * (`buffer-one`, recorded BUFFERED; at most one waits, later ones are SKIPPED).
 */
export const OVERLAP = { allow: "allow", skip: "skip", bufferOne: "buffer-one" } as const;
export type Overlap = (typeof OVERLAP)[keyof typeof OVERLAP];

/** A structured logger: one JSON line per call, with the run's context attached. */
export interface JobLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What a job handler receives besides its payload. */
export interface JobContext {
  /**
   * `<scheduleId>@<scheduled ISO time>`: the same for every delivery and retry of one occurrence.
   * Use it as the idempotency key of side effects.
   */
  readonly runId: string;
  readonly scheduleId: string;
  readonly job: string;
  /** The occurrence's scheduled time (not when it started). */
  readonly scheduledAt: Date;
  /** 1 for the first delivery, 2 for the first retry, … */
  readonly attempt: number;
  readonly logger: JobLogger;
  /** Aborts shortly before the Lambda (or the job's `timeoutSeconds`) runs out. */
  readonly signal: AbortSignal;
}

/** Retry policy of a job: attempts in all (first delivery included) and backoff between them. */
export interface RetryPolicy {
  /** Deliveries in all, ≥ 1. Default 3. */
  readonly attempts: number;
  /** Delay before retry n is `backoffSeconds * 2^(n-1)`, capped at 12 h (SQS's limit). Default 30. */
  readonly backoffSeconds: number;
}

/** A job handler. Its resolved value is recorded (bounded) in the run. */
export type JobHandler<P> = (payload: P, ctx: JobContext) => unknown | Promise<unknown>;

/** What `defineJob` takes. */
export interface JobDefinition<S extends StandardSchemaV1 | undefined = undefined> {
  /** Unique name, `[A-Za-z0-9][A-Za-z0-9._-]{0,127}`. Schedules refer to jobs by it. */
  readonly name: string;
  /** Optional Standard Schema (zod 4, valibot, arktype…) for the payload. */
  readonly payload?: S;
  readonly handler: JobHandler<
    S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : JsonValue
  >;
  /** The job is aborted (its signal fires) after this many seconds. */
  readonly timeoutSeconds?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Default overlap policy of schedules of this job. Default `allow`. */
  readonly overlap?: Overlap;
  /** One-line description, shown by `lambda-scheduler jobs`. */
  readonly description?: string;
}

/**
 * Where jobs are found by name: the process's registry (`registryJobs`), or a fixed set in
 * tests. The invoke side looks up the job of each message; the control plane checks that a
 * schedule's job exists and that its payload fits. `names()` is only read to say which jobs
 * exist when one is not found.
 */
export interface JobLookup {
  get(name: string): Job | undefined;
  names(): readonly string[];
}

/** A registered job, with defaults applied. */
export interface Job {
  readonly name: string;
  readonly description: string | undefined;
  readonly payload: StandardSchemaV1 | undefined;
  readonly handler: JobHandler<unknown>;
  readonly timeoutSeconds: number | undefined;
  readonly retry: RetryPolicy;
  readonly overlap: Overlap;
  /** The module that defined it (for duplicate-name errors). */
  readonly definedIn: string | undefined;
}
