/**
 * What `add` says when the id it would use holds a different schedule: most often the same
 * `add` run again after an `update` changed the schedule it made. Field by field, what is
 * stored and what was given, and the `update` that would apply what was given.
 */
import { canonicalJson, type ScheduleInput } from "../control/input.js";
import { ScheduleExistsError } from "../errors.js";
import type { JsonValue } from "../json.js";
import type { ScheduleRecord } from "../store/types.js";

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
