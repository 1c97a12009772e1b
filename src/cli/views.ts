/**
 * How schedules and runs look on the command line: JSON objects with ISO-8601 UTC instants
 * (`--json`), and table rows.
 */
import { scheduleOf } from "../planning/index.js";
import { describeSchedule } from "../scheduling/index.js";
import {
  RUN_STATUS,
  type RunRecord,
  type RunStatus,
  SCHEDULE_STATE,
  type ScheduleRecord,
  type ScheduleState,
} from "../store/types.js";
import { formatDuration } from "./duration.js";
import { type Cell, isoTime, STYLE, type Style, zoneTime } from "./output.js";

/** Instants of a schedule record (epoch ms) shown as ISO strings. */
const SCHEDULE_INSTANTS = [
  "startAt",
  "endAt",
  "nextRunAt",
  "dueAt",
  "lastScheduledAt",
  "createdAt",
  "updatedAt",
] as const;

/** Instants of a run record (epoch ms) shown as ISO strings. */
const RUN_INSTANTS = [
  "scheduledAt",
  "dueAt",
  "createdAt",
  "updatedAt",
  "dispatchedAt",
  "startedAt",
  "finishedAt",
] as const;

function withIsoInstants<T extends object>(
  record: T,
  keys: readonly (keyof T & string)[],
): Record<string, unknown> {
  const view: Record<string, unknown> = { ...(record as Record<string, unknown>) };
  for (const key of keys) {
    const value = record[key];
    if (typeof value === "number") view[key] = new Date(value).toISOString();
  }
  return view;
}

/** One line of English for a stored schedule; its expression if it no longer parses. */
function describeRecord(record: ScheduleRecord): string {
  try {
    return describeSchedule(scheduleOf(record));
  } catch {
    return record.expression;
  }
}

/** A schedule as `--json` prints it: the stored fields, instants in ISO UTC, plus a description. */
export function scheduleJson(record: ScheduleRecord): Record<string, unknown> {
  return {
    ...withIsoInstants(record, [...SCHEDULE_INSTANTS]),
    description: describeRecord(record),
  };
}

/** A run as `--json` prints it: the stored fields, instants in ISO UTC. */
export function runJson(run: RunRecord): Record<string, unknown> {
  const view = withIsoInstants(run, [...RUN_INSTANTS]);
  // Stored in epoch seconds (DynamoDB's TTL unit), shown like every other instant.
  if (run.expiresAt !== undefined) view.expiresAt = new Date(run.expiresAt * 1_000).toISOString();
  return view;
}

const STATE_STYLES: Record<ScheduleState, Style | undefined> = {
  [SCHEDULE_STATE.ENABLED]: STYLE.ok,
  [SCHEDULE_STATE.PAUSED]: STYLE.warn,
  [SCHEDULE_STATE.COMPLETED]: STYLE.dim,
  [SCHEDULE_STATE.EXPIRED]: STYLE.bad,
};

const STATUS_STYLES: Record<RunStatus, Style | undefined> = {
  [RUN_STATUS.PENDING]: undefined,
  [RUN_STATUS.DISPATCHED]: undefined,
  [RUN_STATUS.RUNNING]: STYLE.strong,
  [RUN_STATUS.RETRYING]: STYLE.warn,
  [RUN_STATUS.SUCCEEDED]: STYLE.ok,
  [RUN_STATUS.FAILED]: STYLE.bad,
  [RUN_STATUS.MISSED]: STYLE.warn,
  [RUN_STATUS.EXPIRED]: STYLE.bad,
  [RUN_STATUS.SKIPPED]: STYLE.dim,
  [RUN_STATUS.BUFFERED]: STYLE.dim,
  [RUN_STATUS.CANCELLED]: STYLE.dim,
};

/** A schedule state, coloured. */
function stateCell(state: ScheduleState): Cell {
  const style = STATE_STYLES[state];
  return style === undefined ? state : { text: state, style };
}

/** A run status, coloured. */
function statusCell(status: RunStatus): Cell {
  const style = STATUS_STYLES[status];
  return style === undefined ? status : { text: status, style };
}

/** Header of {@link scheduleRow}. */
export const SCHEDULE_HEADER = [
  "ID",
  "JOB",
  "SCHEDULE",
  "STATE",
  "NEXT RUN (UTC)",
  "RUNS",
] as const;

/** A schedule as a row of `list`; the next run also in the schedule's zone when it has one. */
export function scheduleRow(record: ScheduleRecord): Cell[] {
  const zone = record.timezone === "UTC" ? "" : ` (${record.timezone})`;
  const local = zoneTime(record.nextRunAt, record.timezone);
  return [
    record.id,
    record.job,
    `${oneLine(record.expression, 60)}${zone}`,
    stateCell(record.state),
    local === "" ? isoTime(record.nextRunAt) : `${isoTime(record.nextRunAt)}  ${local}`,
    String(record.runCount),
  ];
}

/** Header of {@link runRow}. */
export const RUN_HEADER = ["SCHEDULED (UTC)", "STATUS", "ATTEMPT", "DURATION", "NOTE"] as const;

/** A run as a row of `show` and `history`. */
export function runRow(run: RunRecord): Cell[] {
  const notes: string[] = [];
  if (run.manual) notes.push("run now");
  if (run.error !== undefined) notes.push(oneLine(`${run.error.name}: ${run.error.message}`, 80));
  return [
    isoTime(run.scheduledAt),
    statusCell(run.status),
    String(run.attempt),
    run.durationMs === undefined ? "" : `${run.durationMs} ms`,
    notes.join("; "),
  ];
}

/** Header of {@link runAcrossRow}. */
export const RUN_ACROSS_HEADER = ["RUN ID", "JOB", "STATUS", "ATTEMPT", "NOTE"] as const;

/** A run as a row of `runs`, which lists runs of many schedules: its id names its schedule. */
export function runAcrossRow(run: RunRecord): Cell[] {
  const [, status, attempt, , note] = runRow(run);
  return [run.runId, run.job, status as Cell, attempt as Cell, note as Cell];
}

/** Key/value lines describing a schedule, for `show` and `add`. */
export function scheduleFields(record: ScheduleRecord): [string, Cell][] {
  const fields: [string, Cell][] = [
    ["id", record.id],
    ["job", record.job],
    ["schedule", `${oneLine(record.expression, 500)}  (${describeRecord(record)})`],
    ["time zone", record.timezone],
    ["state", stateCell(record.state)],
    ["payload", oneLine(JSON.stringify(record.payload), 200)],
  ];
  const next = zoneTime(record.nextRunAt, record.timezone);
  if (record.nextRunAt !== undefined) {
    fields.push([
      "next run",
      next === "" ? isoTime(record.nextRunAt) : `${isoTime(record.nextRunAt)}  ${next}`,
    ]);
  }
  if (record.lastScheduledAt !== undefined)
    fields.push(["last run", isoTime(record.lastScheduledAt)]);
  fields.push([
    "runs",
    String(record.runCount) + (record.maxRuns === undefined ? "" : ` of ${record.maxRuns}`),
  ]);
  const policy = [`first run ${record.firstRun}`, `catch-up ${record.catchUp}`];
  if (record.maxLatenessMs !== undefined)
    policy.push(`max lateness ${formatDuration(record.maxLatenessMs)}`);
  if (record.overlap !== undefined) policy.push(`overlap ${record.overlap}`);
  if (record.history !== undefined) policy.push(`history ${record.history}`);
  if (record.jitterMs !== undefined) policy.push(`jitter ${formatDuration(record.jitterMs)}`);
  if (record.precise) policy.push("precise");
  fields.push(["policy", policy.join(", ")]);
  if (record.startAt !== undefined) fields.push(["start", isoTime(record.startAt)]);
  if (record.endAt !== undefined) fields.push(["end", isoTime(record.endAt)]);
  return fields;
}

/** `text` on one line, cut to `max` characters with an ellipsis. */
function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
