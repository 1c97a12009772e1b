/**
 * Field-by-field differences between a stored schedule and a given one. What `add` says when
 * the id it would use holds a different schedule (most often the same `add` run again after an
 * `update` changed the schedule it made): what is stored, what was given, and the `update`
 * that would apply what was given. And the plan of `apply` and `diff`: every field of the
 * JSON-lines format, compared as it would be exported.
 */
import { canonicalJson, type ScheduleInput } from "../control/input.js";
import { ScheduleExistsError } from "../errors.js";
import type { JsonValue } from "../json.js";
import { SCHEDULE_STATE, type ScheduleRecord } from "../store/types.js";
import { LINE_FIELDS, type LineSource, lineFields } from "./jsonl.js";

/** One field that differs: its name, the option that sets it, and both values as shown. */
export interface FieldDifference {
  readonly field: "job" | "expression" | "timezone" | "payload";
  readonly option: string;
  readonly stored: string;
  readonly given: string;
}

/** The fields of a schedule's definition (what its derived id is made from) that differ. */
export function definitionDifferences(
  record: ScheduleRecord,
  input: ScheduleInput,
): FieldDifference[] {
  const payload = (value: JsonValue | undefined): string => canonicalJson(value ?? {});
  const rows: FieldDifference[] = [
    { field: "job", option: "--job", stored: record.job, given: input.job },
    {
      field: "expression",
      option: "--schedule",
      stored: record.expression,
      given: (input.expression ?? "").trim(),
    },
    { field: "timezone", option: "--tz", stored: record.timezone, given: input.timezone ?? "UTC" },
    {
      field: "payload",
      option: "--payload",
      stored: payload(record.payload),
      given: payload(input.payload as JsonValue | undefined),
    },
  ];
  return rows.filter((row) => row.stored !== row.given);
}

/** A word as a POSIX shell reads it back. */
function quoted(text: string): string {
  return /^[\w./:@=+-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * The error for an id whose stored schedule differs from `input`: one line per differing
 * field, then the `update` that makes the stored schedule what was given (`storeArgs` names
 * the store as the command was given it).
 *
 * @example
 * throw differingSchedule(record, input, " --table schedules");
 */
export function differingSchedule(
  record: ScheduleRecord,
  input: ScheduleInput,
  storeArgs: string,
  cause: unknown,
): ScheduleExistsError | undefined {
  const differences = definitionDifferences(record, input);
  if (differences.length === 0) return undefined;
  const width = Math.max(...differences.map((row) => row.field.length)) + 1;
  const lines = differences.map(
    (row) => `  ${`${row.field}:`.padEnd(width)}  stored ${row.stored}, given ${row.given}`,
  );
  const update = differences.map((row) => ` ${row.option} ${quoted(row.given)}`).join("");
  const error = new ScheduleExistsError(record.id, { cause });
  error.message = [
    `schedule "${record.id}" already exists and differs from this one (changed by an update?):`,
    ...lines,
    `to make it this one: lambda-scheduler update ${quoted(record.id)}${update}${storeArgs}; or give another --id`,
  ].join("\n");
  return error;
}

/** A field of the JSON-lines format a schedule is compared on (all but its id). */
export type LineField = Exclude<(typeof LINE_FIELDS)[number], "id">;

/** One field that differs between the stored schedule and the file: both values as JSON. */
export interface LineDifference {
  readonly field: LineField;
  /** The stored value as JSON, or undefined when the stored schedule has none. */
  readonly stored: string | undefined;
  /** The given value as JSON, or undefined when the file leaves it out. */
  readonly given: string | undefined;
}

/** A line's value as compared and shown: canonical JSON, so key order never counts. */
function comparable(value: unknown): string | undefined {
  return value === undefined ? undefined : canonicalJson(value as JsonValue);
}

/**
 * Every field in which `given` differs from `stored`, as `export` would write them (defaults
 * filled in, instants in ISO-8601 UTC, payload keys sorted). The state is compared only while
 * the stored schedule runs or is paused: an ended one (COMPLETED, EXPIRED) stays ended.
 *
 * @example
 * lineDifferences(record, { ...record, expression: "0 4 * * *" });
 * // [{ field: "expression", stored: '"0 3 * * *"', given: '"0 4 * * *"' }]
 */
export function lineDifferences(stored: LineSource, given: LineSource): LineDifference[] {
  const ended = stored.state !== SCHEDULE_STATE.ENABLED && stored.state !== SCHEDULE_STATE.PAUSED;
  const before = lineFields(stored);
  const after = lineFields(given);
  const differences: LineDifference[] = [];
  for (const field of LINE_FIELDS) {
    if (field === "id" || (field === "state" && ended)) continue;
    const was = comparable(before[field]);
    const now = comparable(after[field]);
    if (was !== now) differences.push({ field, stored: was, given: now });
  }
  return differences;
}
