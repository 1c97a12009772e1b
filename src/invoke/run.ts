/**
 * The invoke flow for one delivery of an envelope: check the run, start it with a conditional
 * write, run the job within its time limit, record the outcome; and the small pure rules it
 * follows (retry delay, result bound).
 */

import { FAILURE_EVENT_TYPE } from "../dispatch/errors-topic.js";
import type { Envelope } from "../dispatch/types.js";
import { MAX_VISIBILITY_SECONDS } from "../dispatch/visibility.js";
import { DeadlinePassedError, UnknownJobError } from "../errors.js";
import type { JsonValue } from "../json.js";
import { scheduleOf } from "../planning/occurrences.js";
import { validatePayload } from "../registry/payload.js";
import type { Job, JobContext, RetryPolicy } from "../registry/types.js";
import { boundedRunError, runContextOf, withRunContext } from "../run-errors.js";
import { deadlineOf } from "../scheduling/deadline.js";
import {
  FINAL_RUN_STATUSES,
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
  STARTABLE,
  staleAfterMs,
} from "./delivery.js";

/** Processes one delivery; see `createInvoker` for what it does. Throws only when the store fails. */
export async function processEnvelope(
  deps: InvokeDeps,
  envelope: Envelope,
  delivery: Delivery,
): Promise<InvokeResult> {
  const run = await ensureRun(deps, envelope);
  // Attempts never go backwards: a duplicate message, received once, of a run that has already
  // been tried twice is its third attempt, or the retry policy would be exceeded.
  const attempt = Math.max(delivery.attempt, (run?.attempt ?? 0) + 1);
  const scope = deliveryScope(deps, envelope, { ...delivery, attempt });
  const { store } = deps;
  const { scheduleId } = envelope;
  const { scheduledAt, now, done, write, ended, busy, lost, report, hide, expiresAt } = scope;

  if (run === undefined) return done(INVOKE_OUTCOME.orphaned, undefined);
  if (FINAL_RUN_STATUSES.includes(run.status)) return ended(run);
  const job = deps.jobs.get(envelope.job);
  const staleBefore = now() - staleAfterMs(job, deps.graceSeconds);
  if (run.status === RUN_STATUS.RUNNING && (run.startedAt ?? 0) >= staleBefore)
    return busy(run, job);

  // Ends the run without starting it: FAILED or EXPIRED, with why.
  const endUnstarted = (status: RunStatus, error: Error): Promise<RunRecord | undefined> => {
    const finishedAt = now();
    const changes: RunChanges = {
      status,
      attempt,
      error: boundedRunError(error),
      finishedAt,
      expiresAt: expiresAt(finishedAt),
    };
    return write(changes, STARTABLE, staleBefore);
  };

  if (job === undefined) {
    const error = new UnknownJobError(envelope.job, deps.jobs.names());
    const failed = await endUnstarted(RUN_STATUS.FAILED, error);
    if (failed === undefined) return lost(job);
    await report(error, true);
    await hide(deps.finalVisibility);
    return done(INVOKE_OUTCOME.failedFinal, failed, error);
  }

  const schedule = await store.getSchedule(scheduleId);
  // A deadline run claimed in time may be delivered late (a backlog, retries): it never starts
  // after its deadline. Run-now is the user's explicit wish and is exempt.
  const deadline = schedule === undefined ? undefined : deadlineOfRecord(schedule);
  if (deadline !== undefined && run.manual !== true && now() > deadline) {
    const error = new DeadlinePassedError(
      `run ${envelope.runId} was not started by its deadline ${new Date(deadline).toISOString()}`,
    );
    const expired = await endUnstarted(RUN_STATUS.EXPIRED, error);
    if (expired === undefined) return lost(job);
    await report(error, true, FAILURE_EVENT_TYPE.expired);
    return done(INVOKE_OUTCOME.skipped, expired);
  }
  if ((schedule?.overlap ?? job.overlap) === "skip") {
    const { items } = await store.listRuns(scheduleId, { before: scheduledAt, limit: 1 });
    const previous = items[0];
    if (previous?.status === RUN_STATUS.RUNNING && (previous.startedAt ?? 0) >= staleBefore) {
      const finishedAt = now();
      const changes: RunChanges = {
        status: RUN_STATUS.SKIPPED,
        finishedAt,
        expiresAt: expiresAt(finishedAt),
      };
      const skipped = await write(changes, STARTABLE, staleBefore);
      if (skipped === undefined) return lost(job);
      scope.log.info("skipped: the previous run is still RUNNING", {
        previousRunId: previous.runId,
      });
      return done(INVOKE_OUTCOME.skipped, skipped);
    }
  }

  const startedAt = now();
  const started = await write(
    { status: RUN_STATUS.RUNNING, attempt, startedAt },
    STARTABLE,
    staleBefore,
  );
  if (started === undefined) return lost(job);
  return execute(deps, scope, envelope, delivery, job, started);
}

/** Runs the job of a started run and records how it went. */
async function execute(
  deps: InvokeDeps,
  scope: DeliveryScope,
  envelope: Envelope,
  delivery: Delivery,
  job: Job,
  run: RunRecord,
): Promise<InvokeResult> {
  const { now, done, write, report, hide, expiresAt, attempt, scheduledAt, log } = scope;
  const startedAt = run.startedAt ?? now();
  const context = runContextOf(envelope, attempt);
  let outcome: { value: unknown } | { thrown: unknown; permanent: boolean };
  try {
    const payload = await validatePayload(job, envelope.payload);
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
    const succeeded = await write(changes, [RUN_STATUS.RUNNING]);
    if (succeeded === undefined)
      log.warn("another delivery took the run over; this result is not recorded");
    return done(INVOKE_OUTCOME.succeeded, succeeded ?? run);
  }

  const error = withRunContext(outcome.thrown, context);
  const final = outcome.permanent || attempt >= job.retry.attempts;
  const runError = boundedRunError(error);
  const changes: RunChanges = final
    ? {
        status: RUN_STATUS.FAILED,
        error: runError,
        finishedAt,
        durationMs,
        expiresAt: expiresAt(finishedAt),
      }
    : { status: RUN_STATUS.RETRYING, error: runError, durationMs };
  const recorded = await write(changes, [RUN_STATUS.RUNNING]);
  if (recorded === undefined)
    log.warn("another delivery took the run over; this failure is not recorded");
  await report(error, final);
  await hide(final ? deps.finalVisibility : retryDelaySeconds(job.retry, attempt));
  return done(
    final ? INVOKE_OUTCOME.failedFinal : INVOKE_OUTCOME.failedRetry,
    recorded ?? run,
    error,
  );
}

/**
 * The run of an envelope. A missing run is created (a message sent without a claim must not be
 * dropped) unless its schedule is gone too: then the schedule was deleted, runs and all, and
 * the message is an orphan (undefined).
 */
async function ensureRun(deps: InvokeDeps, envelope: Envelope): Promise<RunRecord | undefined> {
  const { store } = deps;
  const scheduledAt = Date.parse(envelope.scheduledAt);
  const existing = await store.getRun(envelope.scheduleId, scheduledAt);
  if (existing !== undefined) return existing;
  if ((await store.getSchedule(envelope.scheduleId)) === undefined) return undefined;
  const at = deps.clock.now().getTime();
  try {
    return await store.createRun({
      runId: envelope.runId,
      scheduleId: envelope.scheduleId,
      job: envelope.job,
      scheduledAt,
      dueAt: scheduledAt,
      status: RUN_STATUS.DISPATCHED,
      attempt: 0,
      payload: envelope.payload,
      createdAt: at,
      updatedAt: at,
      dispatchedAt: at,
    });
  } catch (error) {
    // Another delivery created it first: use theirs.
    const raced = await store.getRun(envelope.scheduleId, scheduledAt);
    if (raced === undefined) throw error;
    return raced;
  }
}

/** The deadline of a `deadline` schedule; undefined for every other kind (or one unparseable now). */
function deadlineOfRecord(record: ScheduleRecord): number | undefined {
  try {
    return deadlineOf(scheduleOf(record));
  } catch {
    return undefined;
  }
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
