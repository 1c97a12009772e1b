/**
 * Turning whatever was thrown into an `Error`, and bounding errors for storage and events.
 */

import type { Envelope } from "./dispatch/types.js";
import { JobFailedError } from "./errors.js";
import type { RunError } from "./store/types.js";

/** A run error message is cut to this many UTF-8 bytes… */
const MAX_ERROR_MESSAGE_BYTES = 4 * 1024;
/** …and its stack to this many. */
const MAX_ERROR_STACK_BYTES = 8 * 1024;

/** The run an error belongs to. */
export interface RunContext {
  readonly job: string;
  readonly scheduleId: string;
  readonly runId: string;
  readonly attempt: number;
}

/** The run context of an envelope delivered as `attempt`. */
export function runContextOf(envelope: Envelope, attempt: number): RunContext {
  return { job: envelope.job, scheduleId: envelope.scheduleId, runId: envelope.runId, attempt };
}

/**
 * Returns `thrown` when it is an `Error`; otherwise an `Error` whose message describes the
 * value (`throw "boom"` → `Error: "boom"`) and whose `cause` is the value itself.
 */
export function normalizeError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  let shown: string;
  try {
    shown = JSON.stringify(thrown) ?? String(thrown);
  } catch {
    shown = String(thrown);
  }
  return new Error(`a non-Error value was thrown: ${shown}`, { cause: thrown });
}

/**
 * Wraps a job's error in a {@link JobFailedError} carrying the run's context, with the
 * original as `cause`. A `JobFailedError` is returned as it is.
 */
export function withRunContext(thrown: unknown, context: RunContext): JobFailedError {
  if (thrown instanceof JobFailedError) return thrown;
  const error = normalizeError(thrown);
  return new JobFailedError(
    `job "${context.job}" failed on attempt ${context.attempt} of run "${context.runId}": ${error.message}`,
    context,
    { cause: error },
  );
}

/**
 * The error to record and report: a `JobFailedError` stands for its cause, which is what the
 * job threw. Name, message (≤ 4 KiB) and stack (≤ 8 KiB) are bounded.
 */
export function boundedRunError(thrown: unknown): RunError {
  let error = normalizeError(thrown);
  if (error instanceof JobFailedError && error.cause !== undefined)
    error = normalizeError(error.cause);
  const bounded: RunError = {
    name: truncateUtf8(error.name || "Error", 200),
    message: truncateUtf8(error.message, MAX_ERROR_MESSAGE_BYTES),
  };
  return error.stack === undefined
    ? bounded
    : { ...bounded, stack: truncateUtf8(error.stack, MAX_ERROR_STACK_BYTES) };
}

/** `text` cut to at most `maxBytes` UTF-8 bytes, never inside a character, marked with "…". */
function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, "utf8") <= maxBytes) return text;
  const marker = "…";
  const budget = maxBytes - Buffer.byteLength(marker, "utf8");
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    const size = Buffer.byteLength(character, "utf8");
    if (bytes + size > budget) break;
    bytes += size;
    end += character.length;
  }
  return text.slice(0, end) + marker;
}
