/**
 * The JSON-lines format of `export` and `import`: one schedule per line, the fields of
 * `createSchedule`'s input plus its state, instants as ISO-8601 UTC. It is also a valid
 * `dev --seed` file.
 *
 * ```
 * {"id":"nightly","job":"report","expression":"0 3 * * *","timezone":"Europe/Berlin","payload":{},"firstRun":"immediate","catchUp":"latest","precise":false,"state":"ENABLED"}
 * ```
 */
import type { ScheduleInput } from "../control/input.js";
import { InvalidScheduleError } from "../errors.js";
import { canonicalZoneName } from "../scheduling/zone.js";
import { SCHEDULE_STATE, type ScheduleRecord, type ScheduleState } from "../store/types.js";

/** The fields a line may have; anything else is refused (a typo would otherwise be ignored). */
export const LINE_FIELDS = [
  "id",
  "job",
  "expression",
  "timezone",
  "payload",
  "startAt",
  "endAt",
  "maxRuns",
  "firstRun",
  "catchUp",
  "maxLatenessMs",
  "overlap",
  "history",
  "jitterMs",
  "precise",
  "state",
] as const;

/** States a line may ask for: ended schedules are exported for the record, never imported. */
const IMPORTABLE_STATES: readonly ScheduleState[] = [SCHEDULE_STATE.ENABLED, SCHEDULE_STATE.PAUSED];

/** What an export line is made from: a stored schedule, or one about to be. */
export type LineSource = Pick<
  ScheduleRecord,
  "id" | "job" | "expression" | "timezone" | "payload" | "state"
> &
  Partial<
    Pick<
      ScheduleRecord,
      | "startAt"
      | "endAt"
      | "maxRuns"
      | "firstRun"
      | "catchUp"
      | "maxLatenessMs"
      | "overlap"
      | "history"
      | "jitterMs"
      | "precise"
    >
  >;

/** The fields of one export line, as an object: undefined fields are left out of the JSON. */
export function lineFields(record: LineSource): Record<(typeof LINE_FIELDS)[number], unknown> {
  const iso = (ms: number | undefined): string | undefined =>
    ms === undefined ? undefined : new Date(ms).toISOString();
  return {
    id: record.id,
    job: record.job,
    expression: record.expression,
    timezone: record.timezone,
    payload: record.payload,
    startAt: iso(record.startAt),
    endAt: iso(record.endAt),
    maxRuns: record.maxRuns,
    firstRun: record.firstRun,
    catchUp: record.catchUp,
    maxLatenessMs: record.maxLatenessMs,
    overlap: record.overlap,
    history: record.history,
    jitterMs: record.jitterMs,
    precise: record.precise,
    state: record.state,
  };
}

/** A schedule as one export line (without the newline). */
export function exportLine(record: ScheduleRecord): string {
  return JSON.stringify(lineFields(record));
}

/** One line of an import file, read: the schedule to create and the state to leave it in. */
export interface ImportLine {
  readonly input: ScheduleInput;
  readonly paused: boolean;
}

/**
 * Reads one import line; undefined for a blank line or a `#` comment. Throws with what is wrong
 * for a line that is not a JSON object of known fields. The values are checked by the control
 * plane when the schedule is created.
 */
export function parseImportLine(text: string): ImportLine | undefined {
  const line = text.trim();
  if (line === "" || line.startsWith("#")) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new InvalidScheduleError(`not JSON (${(error as Error).message})`, {}, { cause: error });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InvalidScheduleError('a line is one JSON object: {"job": …, "expression": …}');
  }
  const known: ReadonlySet<string> = new Set(LINE_FIELDS);
  const unknown = Object.keys(value).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new InvalidScheduleError(
      `unknown field ${unknown.map((key) => JSON.stringify(key)).join(", ")}; the fields are ${LINE_FIELDS.join(", ")}`,
      { field: unknown[0] },
    );
  }
  const { state, ...input } = value as ScheduleInput & { state?: unknown };
  if (state !== undefined && !IMPORTABLE_STATES.includes(state as ScheduleState)) {
    throw new InvalidScheduleError(
      `state ${JSON.stringify(state)} cannot be imported: only ENABLED and PAUSED schedules are (an ended schedule would start again)`,
      { field: "state" },
    );
  }
  // One spelling per zone, as `add --tz` stores it: `europe/berlin` becomes `Europe/Berlin`.
  const timezone =
    typeof input.timezone === "string" ? { timezone: canonicalZoneName(input.timezone) } : {};
  return { input: { ...input, ...timezone }, paused: state === SCHEDULE_STATE.PAUSED };
}
