/** Middy requests for calling middleware hooks directly. */
import type { Request } from "@middy/core";
import { lambdaContext } from "../support/events.js";

export function request(parts: Partial<Request<unknown, unknown>> = {}): Request<unknown, unknown> {
  return {
    event: {},
    context: lambdaContext(),
    response: undefined,
    error: undefined,
    internal: {},
    ...parts,
  };
}

/** A logger that keeps what it is given. */
export function memoryLogger() {
  const lines: { level: string; message: string; fields: Record<string, unknown> | undefined }[] =
    [];
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, fields });
    };
  const logger = {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: () => logger,
  };
  return { lines, logger };
}
