/**
 * The invoke flow for one delivery of an envelope: start the run with one conditional write
 * (reading the run only when that write is refused), run the job within its time limit, record
 * the outcome; and the small pure rules it follows (retry delay, result bound).
 */

import { isDeepStrictEqual } from "node:util";
import { FAILURE_EVENT_TYPE, type FailureEventType } from "../dispatch/errors-topic.js";
import type { Envelope } from "../dispatch/types.js";
import { MAX_VISIBILITY_SECONDS } from "../dispatch/visibility.js";
import {
  DeadlinePassedError,
  EnvelopeError,
  ScheduleNotFoundError,
  UnknownJobError,
} from "../errors.js";
import type { JsonValue } from "../json.js";
import { validatePayload } from "../registry/payload.js";
import { type Job, type JobContext, OVERLAP, type RetryPolicy } from "../registry/types.js";
import { boundedRunError, runContextOf, withRunContext } from "../run-errors.js";
import {
  RUN_STATUS,
  type RunChanges,
  type RunRecord,
  type RunStatus,
  type ScheduleRecord,
} from "../store/types.js";
import {
  type Delivery,
  type DeliveryScope,
  deliveryScope,
  INVOKE_OUTCOME,
  type InvokeDeps,
  type InvokeResult,
  staleAfterMs,
} from "./delivery.js";

/**
 * Processes one delivery; see `createInvoker` for what it does. Its first write starts the run;
 * a scheduled run's schedule is read in parallel with that write (its job and current payload
 * are what runs), and only overlap `skip` reads before it (the previous run). Throws only when
 * the store fails, after one log line and a `delivery.failed` event with the run's context.
 */
export async function processEnvelope(
  deps: InvokeDeps,
  envelope: Envelope,
  delivery: Delivery,
): Promise<InvokeResult> {
  const scope = deliveryScope(deps, envelope, delivery);
  try {
    return await startAndRun(deps, scope, envelope, delivery);
  } catch (error) {
    // Only the store throws here (a wrong table, a missing IAM action, an outage): say so once,
    // with the run, since nothing else on the way out logs a SchedulerError of a record.
    scope.log.error(
      `the delivery failed and its message will be delivered again: ${(error as Error)?.message}`,
      { error },
    );
    await scope.report(
      error instanceof Error ? error : new Error(String(error)),
      false,
      FAILURE_EVENT_TYPE.deliveryFailed,
    );
    throw error;
  }
}

/** What a started run runs: the schedule's job and payload, or the run-now record's. */
type Subject = { readonly payload: JsonValue } | { readonly refused: InvokeResult };

async function startAndRun(
  deps: InvokeDeps,
  scope: DeliveryScope,
  envelope: Envelope,
  delivery: Delivery,
): Promise<InvokeResult> {
  const { store } = deps;
  const { scheduleId } = envelope;
  const { scheduledAt, now, done, start, lost, report, hide, expiresAt, unreported } = scope;
  const job = deps.jobs.get(envelope.job);
  const staleBefore = now() - staleAfterMs(job, deps.graceSeconds);
  // The envelope is not trusted: a scheduled run runs its schedule's job and payload. The read
  // goes out now, beside the start, so that it adds no latency; run-now's record is its own.
  const schedule = envelope.manual === true ? undefined : settled(store.getSchedule(scheduleId));

  // Ends the run without starting it (FAILED, EXPIRED or SKIPPED), with why, and for a failure
  // the event it still owes until that event is published.
  const endUnstarted = (
    status: RunStatus,
    error?: Error,
    type?: FailureEventType,
  ): Promise<RunRecord | undefined> => {
    const finishedAt = now();
    return start(
      {
        status,
        finishedAt,
        expiresAt: expiresAt(finishedAt),
        ...(error === undefined ? {} : { error: boundedRunError(error) }),
        ...(type === undefined ? {} : { unreported: unreported(true, type) }),
      },
      staleBefore,
    );
  };

  if (job === undefined) {
    const error = new UnknownJobError(envelope.job, deps.jobs.names());
    const failed = await endUnstarted(RUN_STATUS.FAILED, error, FAILURE_EVENT_TYPE.failed);
    if (failed === undefined) return lost(job);
    await report(error, true, FAILURE_EVENT_TYPE.failed, failed);
    await hide(deps.finalVisibility);
    return done(INVOKE_OUTCOME.failedFinal, failed, error);
  }

  // A deadline run claimed in time may be delivered late (a backlog, retries): it never starts
  // after its deadline. Run-now is the user's explicit wish and is exempt.
  const deadline = envelope.deadline === undefined ? undefined : Date.parse(envelope.deadline);
  if (deadline !== undefined && envelope.manual !== true && now() > deadline) {
    const error = new DeadlinePassedError(
      `run ${envelope.runId} was not started by its deadline ${envelope.deadline}`,
    );
    const expired = await endUnstarted(RUN_STATUS.EXPIRED, error, FAILURE_EVENT_TYPE.expired);
    if (expired === undefined) return lost(job);
    await report(error, true, FAILURE_EVENT_TYPE.expired, expired);
    return done(INVOKE_OUTCOME.skipped, expired);
  }
  if ((envelope.overlap ?? job.overlap) === OVERLAP.skip) {
    const { items } = await store.listRuns(scheduleId, { before: scheduledAt, limit: 1 });
    const previous = items[0];
    if (previous?.status === RUN_STATUS.RUNNING && (previous.startedAt ?? 0) >= staleBefore) {
      const skipped = await endUnstarted(RUN_STATUS.SKIPPED);
      if (skipped === undefined) return lost(job);
      scope.log.info("skipped: the previous run is still RUNNING", {
        previousRunId: previous.runId,
      });
      return done(INVOKE_OUTCOME.skipped, skipped);
    }
  }

  const startedAt = now();
  let started = await start(
    {
      status: RUN_STATUS.RUNNING,
      startedAt,
      // Under history "failures" a success writes nothing more: the start record then expires
      // (and leaves listings) once the run must be over.
      ...(keepsFailuresOnly(envelope, job)
        ? { expiresAt: Math.ceil((startedAt + staleAfterMs(job, deps.graceSeconds)) / 1_000) }
        : {}),
    },
    staleBefore,
  );
  if (started === undefined) {
    const current = await scope.readBack();
    if (!scope.ownStart(current)) return lost(job, current);
    scope.log.info("the start was written by this delivery; its answer was lost");
    started = current;
  }
  // An earlier attempt's failure that its delivery recorded but did not get to publish.
  await scope.reportUnreported(started);
  const subject = await subjectOf(deps, scope, envelope, started, schedule);
  if ("refused" in subject) return subject.refused;
  return execute(deps, scope, envelope, delivery, job, started, subject.payload);
}

/** A promise that never rejects: read later, or never, without an unhandled rejection. */
function settled<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  return promise.then(
    (value) => ({ status: "fulfilled", value }),
    (reason: unknown) => ({ status: "rejected", reason }),
  );
}

/**
 * What the started `run` runs. A scheduled run: its schedule's job (a message naming another
 * job is refused, FAILED for good, never run) with the schedule's current payload; a schedule
 * that is gone leaves the run orphaned. A run-now run: the job and payload of its own record.
 */
async function subjectOf(
  deps: InvokeDeps,
  scope: DeliveryScope,
  envelope: Envelope,
  run: RunRecord,
  schedule: Promise<PromiseSettledResult<ScheduleRecord | undefined>> | undefined,
): Promise<Subject> {
  const { now, done, finish, log, expiresAt } = scope;
  if (schedule === undefined) {
    if (run.job !== envelope.job) return { refused: await refuse(deps, scope, run, run.job) };
    if (run.payload === undefined) {
      return { refused: await refuse(deps, scope, run, undefined) };
    }
    return { payload: run.payload };
  }
  const read = await schedule;
  if (read.status === "rejected") throw read.reason;
  const record = read.value;
  if (record === undefined) {
    const finishedAt = now();
    const error = new ScheduleNotFoundError(envelope.scheduleId);
    const ended = await finish({
      status: RUN_STATUS.SKIPPED,
      error: boundedRunError(error),
      finishedAt,
      expiresAt: expiresAt(finishedAt),
    });
    log.warn("the run's schedule does not exist (deleted since the send?): its job is not run");
    return { refused: done(INVOKE_OUTCOME.orphaned, ended ?? run) };
  }
  if (record.job !== envelope.job) return { refused: await refuse(deps, scope, run, record.job) };
  if (!isDeepStrictEqual(record.payload, envelope.payload)) {
    log.info("the schedule's payload changed since this occurrence was sent; the current one runs");
  }
  return { payload: record.payload };
}

/**
 * Fails a started run for good, without running anything: its message names a job that is not
 * the schedule's (or run-now record's), or says run-now where no run-now record exists.
 */
async function refuse(
  deps: InvokeDeps,
  scope: DeliveryScope,
  run: RunRecord,
  expected: string | undefined,
): Promise<InvokeResult> {
  const { now, done, finish, report, hide, expiresAt, unreported } = scope;
  const { job, runId } = run;
  const claimed = JSON.stringify(scope.envelopeJob);
  const error = new EnvelopeError(
    expected === undefined
      ? `the message of run "${runId}" says it was asked for by run-now, but no run-now record holds its payload: refused, nothing was run`
      : `the message of run "${runId}" names job ${claimed} but its ${run.manual === true ? "run-now record" : "schedule"} runs job "${expected}": refused, nothing was run`,
  );
  const finishedAt = now();
  const failed = await finish({
    status: RUN_STATUS.FAILED,
    error: boundedRunError(error),
    finishedAt,
    expiresAt: expiresAt(finishedAt),
    unreported: unreported(true, FAILURE_EVENT_TYPE.failed),
  });
  scope.log.error(error.message, { expectedJob: expected, recordedJob: job });
  await report(error, true, FAILURE_EVENT_TYPE.failed, failed);
  await hide(deps.finalVisibility);
  return done(INVOKE_OUTCOME.failedFinal, failed ?? run, error);
}

/**
 * Whether a success leaves no record. Overlap "skip" reads the previous run's record, so it
 * keeps every record even when a schedule asks otherwise (creation refuses the pair when it knows
 * the job; this covers a job whose policy changed since).
 */
function keepsFailuresOnly(envelope: Envelope, job: Job): boolean {
  return envelope.history === "failures" && (envelope.overlap ?? job.overlap) !== OVERLAP.skip;
}

/** Runs the job of a started run and records how it went. */
async function execute(
  deps: InvokeDeps,
  scope: DeliveryScope,
  envelope: Envelope,
  delivery: Delivery,
  job: Job,
  run: RunRecord,
  payloadToRun: JsonValue,
): Promise<InvokeResult> {
  const { now, done, finish, report, hide, expiresAt, attempt, scheduledAt, log, unreported } =
    scope;
  const startedAt = run.startedAt ?? now();
  const context = runContextOf(envelope, attempt);
  let outcome: { value: unknown } | { thrown: unknown; permanent: boolean };
  try {
    const payload = await validatePayload(job, payloadToRun);
    try {
      const remainingMs = delivery.deadline === undefined ? undefined : delivery.deadline - now();
      const jobContext = { ...context, scheduledAt: new Date(scheduledAt), logger: log };
      const limits = { timeoutSeconds: job.timeoutSeconds, remainingMs };
      outcome = { value: await runHandler(job, payload, jobContext, limits) };
    } catch (thrown) {
      outcome = { thrown, permanent: false };
    }
  } catch (invalid) {
    // A payload that does not fit the schema will not fit it on the next attempt either.
    outcome = { thrown: invalid, permanent: true };
  }

  const finishedAt = now();
  const durationMs = finishedAt - startedAt;
  if ("value" in outcome && keepsFailuresOnly(envelope, job)) {
    log.info("succeeded; this schedule keeps the records of failed runs only", { durationMs });
    return done(INVOKE_OUTCOME.succeeded, run);
  }
  if ("value" in outcome) {
    const result = boundedResult(outcome.value);
    const changes: RunChanges = {
      status: RUN_STATUS.SUCCEEDED,
      // A failure of an earlier attempt is not the story of a run that succeeded.
      error: undefined,
      finishedAt,
      durationMs,
      expiresAt: expiresAt(finishedAt),
      ...(result === undefined ? {} : { result }),
    };
    const succeeded = await finish(changes);
    if (succeeded === undefined)
      log.warn("another delivery took the run over; this result is not recorded");
    return done(INVOKE_OUTCOME.succeeded, succeeded ?? run);
  }

  const error = withRunContext(outcome.thrown, context);
  // The queue dead-letters the message after this receive: no retry would ever come.
  const lastReceive =
    deps.maxReceiveCount !== undefined && (delivery.receiveCount ?? 1) >= deps.maxReceiveCount;
  const final = outcome.permanent || attempt >= job.retry.attempts || lastReceive;
  if (final && lastReceive && !outcome.permanent && attempt < job.retry.attempts) {
    log.warn(
      `this was the queue's last receive (maxReceiveCount ${deps.maxReceiveCount}) before its dead-letter queue: the run fails for good with ${job.retry.attempts - attempt} of its retry attempts unused`,
    );
  }
  const runError = boundedRunError(error);
  const marker = unreported(final, FAILURE_EVENT_TYPE.failed);
  const changes: RunChanges = final
    ? {
        status: RUN_STATUS.FAILED,
        error: runError,
        finishedAt,
        durationMs,
        expiresAt: expiresAt(finishedAt),
        unreported: marker,
      }
    : { status: RUN_STATUS.RETRYING, error: runError, durationMs, unreported: marker };
  const recorded = await finish(changes);
  if (recorded === undefined)
    log.warn("another delivery took the run over; this failure is not recorded");
  await report(error, final, FAILURE_EVENT_TYPE.failed, recorded);
  await hide(final ? deps.finalVisibility : retryDelaySeconds(job.retry, attempt));
  return done(
    final ? INVOKE_OUTCOME.failedFinal : INVOKE_OUTCOME.failedRetry,
    recorded ?? run,
    error,
  );
}

/** A recorded result is cut to this many bytes of JSON. */
const MAX_RESULT_BYTES = 4 * 1024;

/** The limits of one attempt. */
interface AttemptLimits {
  /** The job's own timeout, if it has one. */
  readonly timeoutSeconds: number | undefined;
  /** Milliseconds left before the invocation's deadline (already minus the safety margin). */
  readonly remainingMs: number | undefined;
}

/**
 * Calls the job's handler with an `AbortSignal` that fires at the earlier of its timeout and
 * the invocation's deadline, and stops waiting when it fires: the attempt then fails with a
 * `TimeoutError`, recorded before the Lambda is frozen, even if the handler ignores the signal.
 */
async function runHandler(
  job: Job,
  payload: unknown,
  context: Omit<JobContext, "signal">,
  limits: AttemptLimits,
): Promise<unknown> {
  const controller = new AbortController();
  const { limitMs, reason } = attemptLimit(job.name, limits);
  const timer =
    limitMs === undefined
      ? undefined
      : setTimeout(
          () => controller.abort(new DOMException(reason, "TimeoutError")),
          Math.max(0, limitMs),
        );
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener("abort", () => reject(controller.signal.reason), {
      once: true,
    });
  });
  try {
    const running = Promise.resolve().then(() =>
      job.handler(payload, { ...context, signal: controller.signal }),
    );
    return await Promise.race([running, aborted]);
  } finally {
    clearTimeout(timer);
  }
}

function attemptLimit(
  jobName: string,
  limits: AttemptLimits,
): { limitMs: number | undefined; reason: string } {
  const { timeoutSeconds, remainingMs } = limits;
  const ownMs = timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000;
  if (remainingMs !== undefined && (ownMs === undefined || remainingMs < ownMs)) {
    return {
      limitMs: remainingMs,
      reason: `job "${jobName}" was stopped before the invocation's deadline (${Math.max(0, Math.round(remainingMs))} ms were left when it started)`,
    };
  }
  return {
    limitMs: ownMs,
    reason: `job "${jobName}" timed out after ${timeoutSeconds} s (its timeoutSeconds)`,
  };
}

/** Seconds before retry `attempt + 1`: `backoffSeconds · 2^(attempt−1)`, at most 12 h. */
function retryDelaySeconds(policy: RetryPolicy, attempt: number): number {
  const delay = policy.backoffSeconds * 2 ** Math.max(0, attempt - 1);
  return Math.min(MAX_VISIBILITY_SECONDS, Math.ceil(delay));
}

/**
 * A handler's resolved value as it is recorded: itself when its JSON is at most
 * {@link MAX_RESULT_BYTES}, a string preview when larger, nothing when it has no JSON form.
 */
function boundedResult(value: unknown): JsonValue | undefined {
  let encoded: string | undefined;
  try {
    encoded = JSON.stringify(value);
  } catch {
    return "(the result could not be encoded as JSON)";
  }
  if (encoded === undefined) return undefined;
  const bytes = Buffer.byteLength(encoded);
  if (bytes <= MAX_RESULT_BYTES) return JSON.parse(encoded) as JsonValue;
  const preview = Buffer.from(encoded)
    .subarray(0, MAX_RESULT_BYTES - 100)
    .toString("utf8")
    .replace(/\uFFFD$/, "");
  return `${preview}… (truncated: the result is ${bytes} bytes)`;
}
