/**
 * What the dashboard's JSON routes answer: schedules, runs and occurrences as the page shows
 * them, with instants in UTC and in the schedule's zone already formatted, so that the page
 * needs no time-zone data of its own.
 */
import { DateTime } from "luxon";
import type { PreviewRun } from "../control/runs.js";
import type { JsonValue } from "../json.js";
import { scheduleOf } from "../planning/index.js";
import { describeSchedule } from "../scheduling/index.js";
import type { RunRecord, RunStatus, ScheduleRecord, ScheduleState } from "../store/types.js";

/** One instant, in UTC (ISO) and as the wall time of a zone. */
export interface InstantView {
  readonly utc: string;
  /** `2026-12-01 10:00:00 +01:00`. */
  readonly local: string;
}

/** A schedule's last run, as the schedules table shows it. */
export interface LastRunView {
  readonly runId: string;
  readonly status: RunStatus;
  readonly scheduledAt: string;
}

/** One row of the schedules table. */
export interface ScheduleRow {
  readonly id: string;
  readonly job: string;
  readonly expression: string;
  /** The expression in English; the expression itself when it no longer parses. */
  readonly description: string;
  readonly timezone: string;
  readonly state: ScheduleState;
  readonly next?: InstantView;
  readonly lastRun?: LastRunView;
}

/** One run, as the run history and the failures list show it. */
export interface RunView {
  readonly runId: string;
  readonly scheduleId: string;
  readonly job: string;
  readonly scheduled: InstantView;
  readonly status: RunStatus;
  readonly attempt: number;
  readonly manual: boolean;
  /** From its scheduled time to its start; absent until it starts. */
  readonly latenessMs?: number;
  readonly durationMs?: number;
  /** The handler's result, pretty-printed JSON. */
  readonly result?: string;
  readonly error?: { readonly name: string; readonly message: string };
}

/** Everything the schedule page shows. */
export interface ScheduleDetail extends ScheduleRow {
  readonly catchUp: string;
  readonly runCount: number;
  readonly precise: boolean;
  readonly createdAt: InstantView;
  /** The payload, pretty-printed JSON. */
  readonly payload: string;
  readonly nextRuns: readonly InstantView[];
  readonly runs: readonly RunView[];
}

/** Formats an instant in UTC and in `zone`. */
export function instantView(ms: number, zone: string): InstantView {
  return {
    utc: new Date(ms).toISOString(),
    local: DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd HH:mm:ss ZZ"),
  };
}

function pretty(value: JsonValue | undefined): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value, null, 2);
}

/** The expression in English, or as written when it no longer parses (it was stored earlier). */
export function describeRecord(record: Pick<ScheduleRecord, "expression" | "timezone">): string {
  try {
    return describeSchedule(scheduleOf(record));
  } catch {
    return record.expression;
  }
}

/** A row of the schedules table, from the record and its newest run. */
export function scheduleRow(record: ScheduleRecord, lastRun?: RunRecord): ScheduleRow {
  return {
    id: record.id,
    job: record.job,
    expression: record.expression,
    description: describeRecord(record),
    timezone: record.timezone,
    state: record.state,
    ...(record.nextRunAt === undefined
      ? {}
      : { next: instantView(record.nextRunAt, record.timezone) }),
    ...(lastRun === undefined
      ? {}
      : {
          lastRun: {
            runId: lastRun.runId,
            status: lastRun.status,
            scheduledAt: new Date(lastRun.scheduledAt).toISOString(),
          },
        }),
  };
}

/** A run for the history and failures lists, its times in `zone`. */
export function runView(run: RunRecord, zone: string): RunView {
  const result = pretty(run.result);
  return {
    runId: run.runId,
    scheduleId: run.scheduleId,
    job: run.job,
    scheduled: instantView(run.scheduledAt, zone),
    status: run.status,
    attempt: run.attempt,
    manual: run.manual === true,
    ...(run.startedAt === undefined ? {} : { latenessMs: run.startedAt - run.scheduledAt }),
    ...(run.durationMs === undefined ? {} : { durationMs: run.durationMs }),
    ...(result === undefined ? {} : { result }),
    ...(run.error === undefined
      ? {}
      : { error: { name: run.error.name, message: run.error.message } }),
  };
}

/** The schedule page's data. */
export function scheduleDetail(
  record: ScheduleRecord,
  runs: readonly RunRecord[],
  nextRuns: readonly PreviewRun[],
): ScheduleDetail {
  const zone = record.timezone;
  return {
    ...scheduleRow(record, runs[0]),
    catchUp: record.catchUp,
    runCount: record.runCount,
    precise: record.precise,
    createdAt: instantView(record.createdAt, zone),
    payload: pretty(record.payload) ?? "null",
    nextRuns: nextRuns.map((run) => instantView(run.scheduledAt.getTime(), zone)),
    runs: runs.map((run) => runView(run, zone)),
  };
}
