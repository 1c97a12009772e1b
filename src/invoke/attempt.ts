import { FAILURE_EVENT_TYPE } from "../dispatch/errors-topic.js";
import type { Envelope } from "../dispatch/types.js";
import { MAX_VISIBILITY_SECONDS } from "../dispatch/visibility.js";
import type { JsonValue } from "../json.js";
import { validatePayload } from "../registry/payload.js";
import { type Job, type JobContext, OVERLAP, type RetryPolicy } from "../registry/types.js";
import { boundedRunError, runContextOf, withRunContext } from "../run-errors.js";
import { RUN_STATUS, type RunChanges, type RunRecord } from "../store/types.js";
import {
  type Delivery,
  type DeliveryScope,
  INVOKE_OUTCOME,
  type InvokeDeps,
  type InvokeResult,
} from "./delivery.js";

/**
 * Whether a success leaves no record. Overlap "skip" and "buffer-one" read the previous run's
 * record, so they keep every record even when a schedule asks otherwise (creation refuses the pair when it knows
 * the job; this covers a job whose policy changed since).
 */
export function keepsFailuresOnly(envelope: Envelope, job: Job): boolean {
  return envelope.history === "failures" && (envelope.overlap ?? job.overlap) === OVERLAP.allow;
}

/** Runs the job of a started run and records how it went. */
export async function execute(
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
