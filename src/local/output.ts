/**
 * What local mode prints: one line per run, and the jobs' own log lines, for a person watching
 * a terminal rather than for a log pipeline.
 */

import { systemClock } from "../clock.js";
import type { Envelope } from "../dispatch/types.js";
import type { InvokeResult } from "../invoke/invoker.js";
import { LOG_LEVEL, type Logger, type LogLevel, levelledLogger } from "../logger.js";

/** Fields every run-scoped line carries; the run line already shows them. */
const RUN_FIELDS = new Set(["runId", "scheduleId", "job", "attempt"]);

function time(at: Date): string {
  return at.toISOString().slice(11, 23);
}

/**
 * A {@link Logger} writing `HH:MM:SS.mmm level [job] message {fields}` lines. The invoke core's
 * own per-delivery info lines (`delivery …`) are left out: the run line says the same.
 */
export function createConsoleLogger(options: {
  readonly write: (line: string) => void;
  readonly level?: LogLevel;
  readonly now?: () => Date;
}): Logger {
  const now = options.now ?? (() => systemClock.now());
  return levelledLogger(options.level ?? LOG_LEVEL.info, (level, message, base, fields) => {
    if (level === LOG_LEVEL.info && message.startsWith("delivery ")) return;
    const extra = Object.entries({ ...base, ...fields }).filter(([key]) => !RUN_FIELDS.has(key));
    const job = typeof base.job === "string" ? ` [${base.job}]` : "";
    const tail = extra.length > 0 ? ` ${safeJson(Object.fromEntries(extra))}` : "";
    options.write(`${time(now())} ${level.padEnd(5)}${job} ${message}${tail}`);
  });
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) =>
      v instanceof Error ? { name: v.name, message: v.message } : v,
    );
  } catch {
    return "[unserialisable]";
  }
}

/**
 * The one line logged per run: when, which schedule and job, the occurrence's scheduled time,
 * its status, how long it took and how late it started, e.g.
 * `10:00:05.004 run   hello-every-5s hello 2026-01-05T10:00:05.000Z SUCCEEDED 3 ms, 4 ms late`.
 * Undefined for deliveries that did not run anything (duplicates, busy).
 */
export function formatRunLine(
  envelope: Envelope,
  result: InvokeResult,
  at: Date,
): string | undefined {
  const run = result.run;
  if (run === undefined) return undefined;
  switch (result.outcome) {
    case "succeeded":
    case "failed-retry":
    case "failed-final":
    case "skipped":
      break;
    case "duplicate":
    case "busy":
    case "dead-letter":
    case "orphaned":
      return undefined;
    default: {
      const unexpected: never = result.outcome;
      return unexpected;
    }
  }
  const duration = run.durationMs === undefined ? "" : ` ${run.durationMs} ms`;
  const late =
    run.startedAt === undefined ? "" : `, ${Math.max(0, run.startedAt - run.scheduledAt)} ms late`;
  const attempt = result.attempt > 1 ? `, attempt ${result.attempt}` : "";
  // Not "run-now": the command is `run`, and a label that reads like a command should be one.
  const manual = run.manual ? " (manual)" : "";
  const error = run.error === undefined || run.status === "SKIPPED" ? "" : `: ${run.error.message}`;
  return `${time(at)} run   ${envelope.scheduleId} ${envelope.job} ${envelope.scheduledAt}${manual} ${run.status}${duration}${late}${attempt}${error}`;
}
