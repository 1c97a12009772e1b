/**
 * inputOutputLogging: @middy/input-output-logger with our defaults. It logs what a batch was
 * about (message ids, receive counts and each envelope's run: never raw bodies, and payloads
 * only when asked to, with chosen fields masked) and what the handler answered.
 */

import type { MiddlewareObj, Request } from "@middy/core";
import inputOutputLogger from "@middy/input-output-logger";
import { envelopeFromSqsRecord, receiveCountOf } from "../dispatch/envelope.js";
import type { Envelope } from "../dispatch/types.js";
import { createJsonLogger } from "../logger.js";
import { checkOptionKeys, optionError } from "./options.js";
import { sqsRecordsOf } from "./records.js";

/** Options of {@link inputOutputLogging}. */
export interface InputOutputLoggingOptions {
  /**
   * Log each envelope's payload (with `mask` applied). Default false: an envelope is logged as
   * its run (run id, schedule, job, scheduled time, attempt…) without its payload, which may
   * hold secrets in a shape no mask was written for.
   */
  readonly payloads?: boolean;
  /**
   * Envelope fields to mask, as dot paths from the envelope, `[]` for every array item:
   * `["payload.password", "payload.accounts.[].token"]`.
   */
  readonly mask?: readonly string[];
  /** What masked values are replaced with. Default `"***"`. */
  readonly maskWith?: string;
  /** Receives each `{ event }` / `{ response }` message. Default: one JSON log line at info level. */
  readonly logger?: (message: unknown) => void;
  /** Adds the Lambda request id and function name to each message. Default true. */
  readonly lambdaContext?: boolean;
}

const defaults = {
  payloads: false,
  mask: [] as readonly string[],
  maskWith: "***",
  lambdaContext: true,
};

/**
 * Middy middleware that logs the input and the output of a handler through
 * `@middy/input-output-logger`. An SQS event is logged as
 * `{ Records: [{ messageId, receiveCount, envelope }] }`: bodies are decoded, and each envelope
 * is logged without its payload unless `payloads` is set (then with `mask` applied). A body
 * that is not an envelope is replaced by its decoding error rather than logged whole; a body
 * that is not even JSON by its size only (the decoder's message quotes its start). An event that
 * is itself an envelope is logged the same way.
 *
 * @example
 * ```ts
 * middy(handler).use(inputOutputLogging()); // runs, not payloads
 * middy(handler).use(inputOutputLogging({ payloads: true, mask: ["payload.password"] }));
 * ```
 */
export function inputOutputLogging(
  options?: InputOutputLoggingOptions,
): MiddlewareObj<unknown, unknown> {
  const given = checkOptionKeys("inputOutputLogging", options, [
    "payloads",
    "mask",
    "maskWith",
    "logger",
    "lambdaContext",
  ]);
  const { payloads, mask, maskWith, logger, lambdaContext } = { ...defaults, ...given };
  if (typeof payloads !== "boolean")
    optionError("inputOutputLogging", "payloads", "true or false", payloads);
  if (!Array.isArray(mask) || !mask.every((path) => typeof path === "string" && path.length > 0)) {
    optionError(
      "inputOutputLogging",
      "mask",
      'an array of dot paths like "payload.password"',
      mask,
    );
  }
  if (typeof maskWith !== "string")
    optionError("inputOutputLogging", "maskWith", "a string", maskWith);
  if (logger !== undefined && typeof logger !== "function")
    optionError("inputOutputLogging", "logger", "a function", logger);
  const jsonLogger = createJsonLogger();
  const inner = inputOutputLogger({
    logger:
      logger ?? ((message) => jsonLogger.info("input-output", message as Record<string, unknown>)),
    lambdaContext,
    // Paths are given from the envelope; the logged message nests envelopes under these keys.
    omitPaths: mask.flatMap((path) => [`event.Records.[].envelope.${path}`, `event.${path}`]),
    mask: maskWith,
  });

  const inputOutputLoggingBefore = (request: Request<unknown, unknown>): void => {
    inner.before?.({ ...request, event: loggableEvent(request.event, payloads) });
  };
  const inputOutputLoggingAfter = (request: Request<unknown, unknown>): void => {
    inner.after?.(request);
  };
  const inputOutputLoggingOnError = (request: Request<unknown, unknown>): void => {
    inner.onError?.(request);
  };
  return {
    before: inputOutputLoggingBefore,
    after: inputOutputLoggingAfter,
    onError: inputOutputLoggingOnError,
  };
}

function loggableEvent(event: unknown, payloads: boolean): unknown {
  const records = sqsRecordsOf(event);
  if (records === undefined) {
    const isEnvelope =
      typeof event === "object" && event !== null && (event as { v?: unknown }).v === 1;
    return isEnvelope && !payloads ? withoutPayload(event as Envelope) : event;
  }
  return {
    Records: records.map((record) => {
      const { messageId } = record as { messageId?: string };
      const receiveCount = receiveCountOf(record);
      try {
        const envelope = envelopeFromSqsRecord(record);
        return {
          messageId,
          receiveCount,
          envelope: payloads ? envelope : withoutPayload(envelope),
        };
      } catch (error) {
        return { messageId, receiveCount, invalidBody: decodingError(error, record.body) };
      }
    }),
  };
}

/** An envelope as logged by default: its run, not its payload. */
function withoutPayload(envelope: Envelope): Omit<Envelope, "payload"> {
  const { payload: _notLogged, ...run } = envelope;
  return run;
}

/**
 * Why a body is not an envelope, without quoting it: a body that is not JSON is described by
 * its size (the decoder's own message quotes its first 60 characters).
 */
export function decodingError(error: unknown, body: string): string {
  if (error instanceof Error && error.cause instanceof SyntaxError) {
    return `the body (${Buffer.byteLength(body)} bytes) is not JSON`;
  }
  return error instanceof Error ? error.message : String(error);
}
