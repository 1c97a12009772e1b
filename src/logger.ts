/**
 * The structured logger jobs (and the library) write with: one JSON object per line, so that
 * CloudWatch Logs Insights and `jq` can filter by run, job or level.
 */
import { type Clock, systemClock } from "./clock.js";
import type { JobLogger } from "./registry/types.js";

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

/** Writes one line of a {@link levelledLogger}: `base` holds the fields of its `child` calls. */
export type LineWriter = (
  level: LogLevel,
  message: string,
  base: Record<string, unknown>,
  fields: Record<string, unknown> | undefined,
) => void;

/**
 * A {@link Logger} that hands `write` every call at or above `level`, with the fields its
 * `child` calls added (starting from `fields`): the part every logger shares, whatever it
 * writes.
 */
export function levelledLogger(
  level: LogLevel,
  write: LineWriter,
  fields: Record<string, unknown> = {},
): Logger {
  const threshold = SEVERITY[level];
  const make = (base: Record<string, unknown>): Logger => {
    const log = (at: LogLevel, message: string, extra?: Record<string, unknown>): void => {
      if (SEVERITY[at] >= threshold) write(at, message, base, extra);
    };
    return {
      debug: (message, extra) => log("debug", message, extra),
      info: (message, extra) => log("info", message, extra),
      warn: (message, extra) => log("warn", message, extra),
      error: (message, extra) => log("error", message, extra),
      child: (more) => make({ ...base, ...more }),
    };
  };
  return make(fields);
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
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const clock = options.clock ?? systemClock;
  return levelledLogger(
    options.level ?? levelFromEnvironment(),
    (level, message, base, fields) =>
      write(encodeLine({ level, time: clock.now().toISOString(), message, ...base, ...fields })),
    options.fields,
  );
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
