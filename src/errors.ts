/**
 * The one error hierarchy of lambda-scheduler. Every error the library throws on purpose is a
 * {@link SchedulerError}; subclasses carry typed context so callers can branch on `instanceof`
 * and tools can print the offending field.
 */

/** Base class of every error lambda-scheduler throws on purpose. */
export class SchedulerError extends Error {
  override name = "SchedulerError";
}

/** Context of an {@link InvalidScheduleError}: which expression and which part of it. */
export interface InvalidScheduleContext {
  /** The expression (or option value) that was refused. */
  readonly expression?: string;
  /** The part that is wrong, e.g. `cron day-of-week`, `timezone`, `RRULE BYDAY`. */
  readonly field?: string;
}

/**
 * A schedule expression, time zone or schedule option is not valid. The message says what is
 * wrong, where, and the allowed form, e.g. `cron day-of-week "8" is out of range 1-7 (SUN-SAT)`.
 */
export class InvalidScheduleError extends SchedulerError {
  override name = "InvalidScheduleError";
  readonly expression: string | undefined;
  readonly field: string | undefined;
  constructor(message: string, context: InvalidScheduleContext = {}, options?: ErrorOptions) {
    super(message, options);
    this.expression = context.expression;
    this.field = context.field;
  }
}

/** One problem found by a payload schema: where (a JSON path) and what. */
export interface PayloadIssue {
  readonly path: string;
  readonly message: string;
}

/** A payload is not JSON, is too large, or does not fit its job's schema. */
export class InvalidPayloadError extends SchedulerError {
  override name = "InvalidPayloadError";
  readonly job: string | undefined;
  readonly issues: readonly PayloadIssue[];
  constructor(
    message: string,
    context: { job?: string; issues?: readonly PayloadIssue[] } = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.job = context.job;
    this.issues = context.issues ?? [];
  }
}

/** A job definition is invalid, or two modules define the same job name. */
export class JobDefinitionError extends SchedulerError {
  override name = "JobDefinitionError";
  readonly job: string | undefined;
  constructor(message: string, context: { job?: string } = {}, options?: ErrorOptions) {
    super(message, options);
    this.job = context.job;
  }
}

/** No job with this name is registered (not imported into the bundle, or misspelt). */
export class UnknownJobError extends SchedulerError {
  override name = "UnknownJobError";
  readonly job: string;
  constructor(job: string, known: readonly string[] = [], options?: ErrorOptions) {
    const hint =
      known.length > 0 ? `; registered jobs: ${known.join(", ")}` : "; no job is registered";
    super(`unknown job "${job}"${hint}`, options);
    this.job = job;
  }
}

/** The schedule does not exist. */
export class ScheduleNotFoundError extends SchedulerError {
  override name = "ScheduleNotFoundError";
  readonly scheduleId: string;
  constructor(scheduleId: string, options?: ErrorOptions) {
    super(`schedule "${scheduleId}" does not exist`, options);
    this.scheduleId = scheduleId;
  }
}

/** A schedule with this id already exists. */
export class ScheduleExistsError extends SchedulerError {
  override name = "ScheduleExistsError";
  readonly scheduleId: string;
  constructor(scheduleId: string, options?: ErrorOptions) {
    super(`schedule "${scheduleId}" already exists`, options);
    this.scheduleId = scheduleId;
  }
}

/** A run id is not `<scheduleId>@<scheduled ISO time>`, or no such run exists. */
export class RunNotFoundError extends SchedulerError {
  override name = "RunNotFoundError";
  readonly runId: string;
  constructor(runId: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.runId = runId;
  }
}

/**
 * A run is not in a status that allows what was asked (retry a run that did not fail, cancel
 * one that started); nothing was written. The message says which status and what to do.
 */
export class RunStateError extends SchedulerError {
  override name = "RunStateError";
  readonly runId: string;
  readonly status: string;
  constructor(runId: string, status: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.runId = runId;
    this.status = status;
  }
}

/**
 * A conditional write lost: somebody else changed the item first (another tick claimed the
 * occurrence, or the schedule was updated concurrently). Not a failure of the caller: re-read.
 */
export class ConflictError extends SchedulerError {
  override name = "ConflictError";
  readonly scheduleId: string | undefined;
  constructor(message: string, context: { scheduleId?: string } = {}, options?: ErrorOptions) {
    super(message, options);
    this.scheduleId = context.scheduleId;
  }
}

/** A storage backend failed in a way that is not a lost condition (throttling, network, …). */
export class StoreError extends SchedulerError {
  override name = "StoreError";
}

/** Publishing or sending an occurrence failed. */
export class DispatchError extends SchedulerError {
  override name = "DispatchError";
}

/** A queue message is not a valid occurrence envelope. */
export class EnvelopeError extends SchedulerError {
  override name = "EnvelopeError";
}

/** A job handler failed; carries the run it belongs to. */
export class JobFailedError extends SchedulerError {
  override name = "JobFailedError";
  readonly job: string;
  readonly scheduleId: string;
  readonly runId: string;
  readonly attempt: number;
  constructor(
    message: string,
    context: { job: string; scheduleId: string; runId: string; attempt: number },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.job = context.job;
    this.scheduleId = context.scheduleId;
    this.runId = context.runId;
    this.attempt = context.attempt;
  }
}

/** A deadline run reached its worker after the deadline, so it was not started. */
export class DeadlinePassedError extends SchedulerError {
  override name = "DeadlinePassedError";
}

/** An occurrence did not start because of its schedule's overlap policy (skipped, or waiting). */
export class OverlapError extends SchedulerError {
  override name = "OverlapError";
}

/** A configuration value (environment variable, handler option) is missing or malformed. */
export class ConfigurationError extends SchedulerError {
  override name = "ConfigurationError";
}

/**
 * A dashboard request is malformed or not allowed; `status` is the HTTP status it is answered
 * with (400 bad parameter, 403 refused, 404 unknown route or action).
 */
export class RequestError extends SchedulerError {
  override name = "RequestError";
  readonly status: number;
  constructor(status: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}
