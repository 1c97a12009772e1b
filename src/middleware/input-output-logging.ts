/**
 * inputOutputLogging: @middy/input-output-logger with our defaults. It logs what a batch was
 * about (message ids, receive counts and decoded envelopes, never raw bodies) and what the
 * handler answered, with chosen payload fields masked.
 */

import type { MiddlewareObj, Request } from "@middy/core";
import inputOutputLogger from "@middy/input-output-logger";
import { envelopeFromSqsRecord, receiveCountOf } from "../dispatch/envelope.js";
import { createJsonLogger } from "../logger.js";
import { checkOptionKeys, optionError } from "./options.js";
import { sqsRecordsOf } from "./records.js";

/** Options of {@link inputOutputLogging}. */
export interface InputOutputLoggingOptions {
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

const defaults = { mask: [] as readonly string[], maskWith: "***", lambdaContext: true };

/**
 * Middy middleware that logs the input and the output of a handler through
 * `@middy/input-output-logger`. An SQS event is logged as
 * `{ Records: [{ messageId, receiveCount, envelope }] }`: bodies are decoded so that `mask`
 * can reach payload fields, and a body that is not an envelope is replaced by its decoding
 * error rather than logged whole (it may hold secrets in a shape the mask does not know). An
 * event that is itself an envelope is logged with the same mask.
 *
 * @example
 * ```ts
 * middy(handler).use(inputOutputLogging({ mask: ["payload.password"] }));
 * ```
 */
export function inputOutputLogging(
  options?: InputOutputLoggingOptions,
): MiddlewareObj<unknown, unknown> {
  const given = checkOptionKeys("inputOutputLogging", options, [
    "mask",
    "maskWith",
    "logger",
    "lambdaContext",
  ]);
  const { mask, maskWith, logger, lambdaContext } = { ...defaults, ...given };
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
    inner.before?.({ ...request, event: loggableEvent(request.event) });
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

function loggableEvent(event: unknown): unknown {
  const records = sqsRecordsOf(event);
  if (records === undefined) return event;
  return {
    Records: records.map((record) => {
      const { messageId } = record as { messageId?: string };
      try {
        return {
          messageId,
          receiveCount: receiveCountOf(record),
          envelope: envelopeFromSqsRecord(record),
        };
      } catch (error) {
        return {
          messageId,
          receiveCount: receiveCountOf(record),
          invalidBody: (error as Error).message,
        };
      }
    }),
  };
}
