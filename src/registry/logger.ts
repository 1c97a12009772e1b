/**
 * The structured logger jobs (and the library) write with: one JSON object per line, so that
 * CloudWatch Logs Insights and `jq` can filter by run, job or level.
 */
import { type Clock, systemClock } from "../clock.js";
import type { JobLogger } from "./types.js";

/** Log levels, least to most severe. */
export const LOG_LEVEL = { debug: "debug", info: "info", warn: "warn", error: "error" } as const;
/** One of {@link LOG_LEVEL}. */
export type LogLevel = (typeof LOG_LEVEL)[keyof typeof LOG_LEVEL];

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A {@link JobLogger} that can derive loggers with more fields. */
export interface Logger extends JobLogger {
  /** A logger writing the same way, with `fields` added to every line. */
  child(fields: Record<string, unknown>): Logger;
}

/** Options of {@link createJsonLogger}. */
export interface JsonLoggerOptions {
  /** Fields on every line (e.g. runId, job). */
  readonly fields?: Record<string, unknown>;
  /** Lines below this level are dropped. Default `LOG_LEVEL` from the environment, else `info`. */
  readonly level?: LogLevel;
  /** Receives each line without its newline. Default: standard output. */
  readonly write?: (line: string) => void;
  /** Stamps each line's `time`. Default: the system clock. */
  readonly clock?: Clock;
}

/**
 * Creates a logger that writes `{"level","time","message",…fields}` as one JSON line per call.
 * `Error` values in fields are written as `{ name, message, stack }`; values that cannot be
 * encoded are written as strings rather than lost.
 *
 * @example
 * ```ts
 * const logger = createJsonLogger({ fields: { service: "snapshots" } });
 * logger.child({ runId }).info("done", { snapshots: 3 });
 * // {"level":"info","time":"…","message":"done","service":"snapshots","runId":"…","snapshots":3}
 * ```
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const threshold = SEVERITY[options.level ?? levelFromEnvironment()];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const clock = options.clock ?? systemClock;
  const make = (base: Record<string, unknown>): Logger => {
    const log = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
      if (SEVERITY[level] < threshold) return;
      const line = { level, time: clock.now().toISOString(), message, ...base, ...fields };
      write(encodeLine(line));
    };
    return {
      debug: (message, fields) => log("debug", message, fields),
      info: (message, fields) => log("info", message, fields),
      warn: (message, fields) => log("warn", message, fields),
      error: (message, fields) => log("error", message, fields),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.fields ?? {});
}

/** A logger that drops everything; for tests and callers that log elsewhere. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

function levelFromEnvironment(): LogLevel {
  const wanted = process.env.LOG_LEVEL?.toLowerCase();
  return wanted !== undefined && wanted in SEVERITY ? (wanted as LogLevel) : LOG_LEVEL.info;
}

function encodeLine(line: Record<string, unknown>): string {
  try {
    return JSON.stringify(line, (_key, value: unknown) => {
      if (value instanceof Error)
        return { name: value.name, message: value.message, stack: value.stack };
      if (typeof value === "bigint") return value.toString();
      return value;
    });
  } catch {
    // A circular field must not cost the line: keep the message and say why the rest is gone.
    return JSON.stringify({
      level: line.level,
      time: line.time,
      message: line.message,
      logError: "fields could not be encoded as JSON",
    });
  }
}
