/**
 * What local mode prints: one line per run, and the jobs' own log lines, for a person watching
 * a terminal, or (`dev --json`) one JSON object a line for a script.
 */

import { systemClock } from "../clock.js";
import type { Envelope } from "../dispatch/types.js";
import { type RunFigures, type TickFigures, tickFigures } from "../figures.js";
import type { InvokeResult } from "../invoke/invoker.js";
import { LOG_LEVEL, type Logger, type LogLevel, levelledLogger } from "../logger.js";
import type { RunRecord } from "../store/types.js";
import { emptySummary } from "../tick/types.js";

/** How local mode writes its lines: for people, or one JSON object a line for scripts. */
export const LINE_FORMAT = { text: "text", json: "json" } as const;
export type LineFormat = (typeof LINE_FORMAT)[keyof typeof LINE_FORMAT];

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
  /** With `json`, each line is `{"type":"log","at":…,"level":…,"message":…, …fields}`. */
  readonly format?: LineFormat;
}): Logger {
  const now = options.now ?? (() => systemClock.now());
  return levelledLogger(options.level ?? LOG_LEVEL.info, (level, message, base, fields) => {
    if (level === LOG_LEVEL.info && message.startsWith("delivery ")) return;
    if (options.format === LINE_FORMAT.json) {
      // Every field, the run's included: a script has no run line beside it to read them from.
      const line = { type: "log", at: now().toISOString(), level, message, ...base, ...fields };
      options.write(safeJson(line));
      return;
    }
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
  format: LineFormat = LINE_FORMAT.text,
): string | undefined {
  const run = shownRun(result);
  if (run === undefined) return undefined;
  if (format === LINE_FORMAT.json) return runJsonLine(envelope, result, run, at);
  const duration = run.durationMs === undefined ? "" : ` ${run.durationMs} ms`;
  const late =
    run.startedAt === undefined ? "" : `, ${Math.max(0, run.startedAt - run.scheduledAt)} ms late`;
  const attempt = result.attempt > 1 ? `, attempt ${result.attempt}` : "";
  // Not "run-now": the command is `run`, and a label that reads like a command should be one.
  const manual = run.manual ? " (manual)" : "";
  const error = run.error === undefined || run.status === "SKIPPED" ? "" : `: ${run.error.message}`;
  return `${time(at)} run   ${envelope.scheduleId} ${envelope.job} ${envelope.scheduledAt}${manual} ${run.status}${duration}${late}${attempt}${error}`;
}

/**
 * The run line as one JSON object: `{"type":"run","at":…,"runId":…,"scheduleId":…,"job":…,
 * "scheduledAt":…,"status":…,"attempt":…}`, plus `durationMs`, `lateMs`, `manual` and `error`
 * when they apply.
 */
function runJsonLine(envelope: Envelope, result: InvokeResult, run: RunRecord, at: Date): string {
  return JSON.stringify({
    type: "run",
    at: at.toISOString(),
    runId: run.runId,
    scheduleId: envelope.scheduleId,
    job: envelope.job,
    scheduledAt: envelope.scheduledAt,
    status: run.status,
    attempt: result.attempt,
    ...(run.durationMs === undefined ? {} : { durationMs: run.durationMs }),
    ...(run.startedAt === undefined
      ? {}
      : { lateMs: Math.max(0, run.startedAt - run.scheduledAt) }),
    ...(run.manual ? { manual: true } : {}),
    ...(run.error === undefined || run.status === "SKIPPED"
      ? {}
      : { error: { name: run.error.name, message: run.error.message } }),
  });
}

/** The run a delivery's result shows a line for; undefined when it ran nothing. */
function shownRun(result: InvokeResult): RunRecord | undefined {
  const run = result.run;
  if (run === undefined) return undefined;
  switch (result.outcome) {
    case "succeeded":
    case "failed-retry":
    case "failed-final":
    case "skipped":
    case "buffered":
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
  return run;
}

/** The figures of one period of local mode, for {@link formatSummaryLine}. */
export interface SummaryPeriod {
  /** Epoch ms the period began and ended at. */
  readonly from: number;
  readonly to: number;
  /** Ticks in the period. */
  readonly ticks: number;
  /** The ticks' figures summed (see `addTickFigures`); undefined when none ran. */
  readonly tick: TickFigures | undefined;
  readonly runs: RunFigures;
}

/**
 * The periodic summary line: the figures the Lambda handlers publish as metrics, over the
 * period, e.g. `10:01:00.000 stats 60 s, 60 ticks: due 2, claimed 2, dispatched 2, backlog 0,
 * lost 0, failed 0, oldest due 4 ms late; hello: started 2, succeeded 1, failed 1, retried 0,
 * late ≤ 4 ms, ran ≤ 3 ms`. Lateness and duration show their mean and largest value.
 */
export function formatSummaryLine(
  period: SummaryPeriod,
  format: LineFormat = LINE_FORMAT.text,
): string {
  const tick = period.tick ?? tickFigures(emptySummary(), period.from, period.from);
  if (format === LINE_FORMAT.json) {
    return JSON.stringify({
      type: "summary",
      at: new Date(period.to).toISOString(),
      periodMs: period.to - period.from,
      ticks: period.ticks,
      tick: { ...tick },
      jobs: Object.fromEntries(
        [...period.runs].map(([job, run]) => [
          job,
          {
            started: run.started,
            succeeded: run.succeeded,
            failed: run.failed,
            retried: run.retried,
            ...spread("latenessMs", run.latenessMs),
            ...spread("durationMs", run.durationMs),
          },
        ]),
      ),
    });
  }
  const seconds = Math.round((period.to - period.from) / 1000);
  const late =
    tick.oldestDueLatenessMs === undefined
      ? ""
      : `, oldest due ${tick.oldestDueLatenessMs} ms late`;
  const head =
    `${time(new Date(period.to))} stats ${seconds} s, ${period.ticks} ticks: due ${tick.due}, ` +
    `claimed ${tick.claimed}, dispatched ${tick.dispatched}, backlog ${tick.backlog}, ` +
    `lost ${tick.lost}, failed ${tick.failed}${late}`;
  const jobs = [...period.runs].map(([job, run]) => {
    const lateness = meanMax(run.latenessMs);
    const duration = meanMax(run.durationMs);
    return (
      `${job}: started ${run.started}, succeeded ${run.succeeded}, failed ${run.failed}, ` +
      `retried ${run.retried}` +
      (lateness === undefined ? "" : `, late ${lateness.mean}/${lateness.max} ms (mean/max)`) +
      (duration === undefined ? "" : `, ran ${duration.mean}/${duration.max} ms (mean/max)`)
    );
  });
  return [head, ...jobs].join("; ");
}

function meanMax(values: readonly number[]): { mean: number; max: number } | undefined {
  if (values.length === 0) return undefined;
  const sum = values.reduce((a, b) => a + b, 0);
  return { mean: Math.round(sum / values.length), max: Math.max(...values) };
}

function spread(name: string, values: readonly number[]): Record<string, unknown> {
  const figures = meanMax(values);
  return figures === undefined ? {} : { [name]: figures };
}
