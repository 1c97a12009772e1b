/**
 * Running one job handler within its time limit, and the small pure rules of the invoke side
 * (retry delay, result bound, staleness).
 */

import { MAX_VISIBILITY_SECONDS } from "../dispatch/visibility.js";
import type { JsonValue } from "../json.js";
import { MAX_TIMEOUT_SECONDS } from "../registry/define.js";
import type { Job, JobContext, RetryPolicy } from "../registry/types.js";

/** A recorded result is cut to this many bytes of JSON. */
export const MAX_RESULT_BYTES = 4 * 1024;

/** The limits of one attempt. */
export interface AttemptLimits {
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
export async function runHandler(
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
export function retryDelaySeconds(policy: RetryPolicy, attempt: number): number {
  const delay = policy.backoffSeconds * 2 ** Math.max(0, attempt - 1);
  return Math.min(MAX_VISIBILITY_SECONDS, Math.ceil(delay));
}

/**
 * How long a RUNNING run may go without finishing before its runner is presumed dead: the
 * longest an attempt can last (its timeout, else Lambda's 15 minutes) plus a grace period.
 */
export function staleAfterMs(job: Job | undefined, graceSeconds: number): number {
  return ((job?.timeoutSeconds ?? MAX_TIMEOUT_SECONDS) + graceSeconds) * 1000;
}

/**
 * A handler's resolved value as it is recorded: itself when its JSON is at most
 * {@link MAX_RESULT_BYTES}, a string preview when larger, nothing when it has no JSON form.
 */
export function boundedResult(value: unknown): JsonValue | undefined {
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
