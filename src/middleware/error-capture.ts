/**
 * errorCapture: the first middleware to see an error. It makes every failure an `Error` with
 * the job, schedule, run and attempt it belongs to, and logs it once.
 */
import type { MiddlewareObj, Request } from "@middy/core";
import { SchedulerError } from "../errors.js";
import { createJsonLogger } from "../logger.js";
import type { JobLogger } from "../registry/types.js";
import { normalizeError, type RunContext, withRunContext } from "../run-errors.js";
import { checkOptionKeys, optionError } from "./options.js";
import { eventRunContext, isSettledArray, recordRunContext, sqsRecordsOf } from "./records.js";

/** Options of {@link errorCapture}. */
export interface ErrorCaptureOptions {
  /** Where captured errors are logged; `false` to not log. Default: JSON lines on stdout. */
  readonly logger?: JobLogger | false;
}

const defaults = { logger: undefined as JobLogger | false | undefined };

/**
 * Middy middleware that normalises failures:
 * - `onError`: `request.error` becomes an `Error` (a thrown string or object is wrapped); when
 *   the event is about one run (an SQS event with one record, or an envelope), an error that
 *   is not already a `SchedulerError` becomes a `JobFailedError` with that run's context and
 *   the original as `cause`.
 * - `after`: for a batch handler's `Promise.allSettled` response, each rejected record's
 *   reason is normalised the same way, with the context of its own record.
 *
 * Errors the library throws on purpose (`SchedulerError`s: an invalid envelope, an unknown
 * job, a lost race) already say what happened and are left as they are. Logging: every error
 * that reaches `onError`, and each rejected record whose reason is not a `SchedulerError` (those
 * were logged where they were thrown).
 *
 * @example
 * ```ts
 * export const handler = middy(processBatch).use(sqsPartialBatchFailure()).use(errorCapture());
 * ```
 */
export function errorCapture(options?: ErrorCaptureOptions): MiddlewareObj<unknown, unknown> {
  const given = checkOptionKeys("errorCapture", options, ["logger"]);
  const { logger: chosen } = { ...defaults, ...given };
  if (chosen !== undefined && chosen !== false && typeof chosen?.error !== "function") {
    optionError("errorCapture", "logger", "a logger with an error method, or false", chosen);
  }
  const logger = chosen === undefined ? createJsonLogger() : chosen;

  const capture = (thrown: unknown, context: RunContext | undefined, always: boolean): Error => {
    const error = normalizeError(thrown);
    const explained = error instanceof SchedulerError;
    const captured = context !== undefined && !explained ? withRunContext(error, context) : error;
    // A record's SchedulerError was logged where it was thrown; anything else is news here.
    if (logger !== false && (always || !explained)) {
      logger.error(captured.message, { ...context, error: captured });
    }
    return captured;
  };

  const errorCaptureAfter = (request: Request<unknown, unknown>): void => {
    const { response } = request;
    if (!isSettledArray(response)) return;
    const records = sqsRecordsOf(request.event);
    request.response = response.map((result, index) => {
      if (result.status === "fulfilled") return result;
      const record = records?.[index];
      const context = record === undefined ? undefined : recordRunContext(record);
      return {
        status: "rejected",
        reason: capture(result.reason, context, false),
      } satisfies PromiseRejectedResult;
    });
  };

  const errorCaptureOnError = (request: Request<unknown, unknown>): void => {
    request.error = capture(request.error, eventRunContext(request.event), true);
  };

  return { after: errorCaptureAfter, onError: errorCaptureOnError };
}
