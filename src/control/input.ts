/**
 * What callers (the CLI, local mode, code) give to create or change a schedule, and its
 * validation into the stored fields. Everything here runs before anything is written.
 */
import { createHash } from "node:crypto";
import { InvalidScheduleError, UnknownJobError } from "../errors.js";
import type { JsonValue } from "../json.js";
import { JOB_NAME_PATTERN } from "../registry/define.js";
import { checkPayloadJson, validatePayload } from "../registry/payload.js";
import { type Job, type JobLookup, OVERLAP, type Overlap } from "../registry/types.js";
import { INSTANT_RANGE, parseSchedule, type Schedule } from "../scheduling/index.js";
import { canonicalZoneName } from "../scheduling/zone.js";
import {
  CATCH_UP,
  type CatchUp,
  FIRST_RUN,
  type FirstRun,
  HISTORY,
  type History,
} from "../store/types.js";

/** An instant: a `Date`, epoch milliseconds, or an ISO-8601 string with an offset or `Z`. */
export type Instant = Date | number | string;

/** What a schedule is created from. Only `job` and `expression` are required. */
export interface ScheduleInput {
  /** Default: derived from job, expression, time zone and payload (see {@link deriveScheduleId}). */
  readonly id?: string;
  readonly job: string;
  /** Any schedule expression: `rate(5 minutes)`, `cron(…)`, `0 * * * *`, `at(…)`, `deadline(…)`, RRULE text. */
  readonly expression: string;
  /** IANA time zone of the expression's wall times. Default `UTC`. */
  readonly timezone?: string;
  /** Any JSON value ≤ 255 KiB (MAX_PAYLOAD_BYTES); checked against the job's schema. Default `{}`. */
  readonly payload?: unknown;
  /** No occurrence before this; also the anchor of a `rate`. */
  readonly startAt?: Instant;
  /** No occurrence after this. */
  readonly endAt?: Instant;
  /** Complete after this many occurrences. */
  readonly maxRuns?: number;
  /** Default `immediate`: a schedule that has never run runs at once. */
  readonly firstRun?: FirstRun;
  /** Default `latest`. */
  readonly catchUp?: CatchUp;
  /** Record occurrences later than this as MISSED instead of running them. */
  readonly maxLatenessMs?: number;
  /** Overrides the job's overlap policy. */
  readonly overlap?: Overlap;
  /**
   * `failures` keeps records of runs that did not succeed only: a run that succeeds costs one
   * write fewer. Not with overlap `skip` or `buffer-one`, which read the previous run's record.
   * Default `all`.
   */
  readonly history?: History;
  /** Delay each occurrence by a stable pseudo-random 0..jitterMs. */
  readonly jitterMs?: number;
  /** Send straight to SQS with a delay, to start within a second of the time. Default false. */
  readonly precise?: boolean;
}

/**
 * Changes to a schedule: any field of {@link ScheduleInput} but `id`; `null` removes an optional
 * setting (`endAt: null` lifts the end).
 */
export type ScheduleUpdate = {
  readonly [K in Exclude<keyof ScheduleInput, "id">]?: K extends RemovableField
    ? ScheduleInput[K] | null
    : ScheduleInput[K];
};

/** The optional settings an update removes with `null`; the others always have a value. */
export const REMOVABLE_FIELDS = [
  "startAt",
  "endAt",
  "maxRuns",
  "maxLatenessMs",
  "overlap",
  "jitterMs",
] as const satisfies readonly (keyof ScheduleInput)[];
/** One of {@link REMOVABLE_FIELDS}. */
export type RemovableField = (typeof REMOVABLE_FIELDS)[number];

/** The validated, stored form of a {@link ScheduleInput} (without id and timing). */
export interface ScheduleDefinition {
  readonly job: string;
  readonly expression: string;
  readonly timezone: string;
  readonly payload: JsonValue;
  readonly firstRun: FirstRun;
  readonly catchUp: CatchUp;
  readonly precise: boolean;
  readonly startAt?: number;
  readonly endAt?: number;
  readonly maxRuns?: number;
  readonly maxLatenessMs?: number;
  readonly overlap?: Overlap;
  readonly history?: typeof HISTORY.failures;
  readonly jitterMs?: number;
}

/** What a schedule id must look like (no `@`: it separates the run id). */
export const SCHEDULE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** The largest jitter: a day; beyond that it is a different schedule, not jitter. */
const MAX_JITTER_MS = 86_400_000;

/** A value as a message shows it: JSON where it has one, cut short; never throws. */
function shown(value: unknown): string {
  let text: string | undefined;
  try {
    text = value instanceof Date ? value.toString() : JSON.stringify(value);
  } catch {
    text = undefined;
  }
  text ??= typeof value === "object" && value !== null ? "an object" : typeof value;
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function refuse(message: string, field: string, expression?: string): never {
  throw new InvalidScheduleError(message, {
    field,
    ...(expression === undefined ? {} : { expression }),
  });
}

/** Checks an id given by the caller. */
export function checkScheduleId(id: string): void {
  if (typeof id !== "string" || !SCHEDULE_ID_PATTERN.test(id)) {
    refuse(
      `schedule id ${JSON.stringify(id)} is invalid: use 1-128 characters from A-Z a-z 0-9 . _ : -, starting with a letter or digit`,
      "id",
    );
  }
}

const RANGE_TEXT = `${new Date(INSTANT_RANGE.min).toISOString()} to ${new Date(INSTANT_RANGE.max).toISOString()}`;

/**
 * Epoch ms of an {@link Instant} within `INSTANT_RANGE` (years 1970 to 9999); refuses anything
 * else, whatever its type, naming `field`.
 */
export function toEpochMs(value: Instant, field: string): number {
  const ms: number =
    value instanceof Date
      ? value.getTime()
      : typeof value === "number"
        ? value
        : typeof value === "string" && /(Z|[+-]\d\d:?\d\d)$/i.test(value.trim())
          ? Date.parse(value)
          : Number.NaN;
  if (!Number.isInteger(ms)) {
    refuse(
      `${field} ${shown(value)} is not an instant: give an ISO-8601 time with an offset, e.g. 2026-12-01T10:00:00Z, or whole epoch milliseconds`,
      field,
    );
  }
  if (ms < INSTANT_RANGE.min || ms > INSTANT_RANGE.max) {
    refuse(`${field} ${shown(value)} is outside the supported range ${RANGE_TEXT}`, field);
  }
  return ms;
}

function wholeNumber(value: number, field: string, min: number, max: number, unit = ""): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    refuse(
      `${field} must be a whole number from ${min} to ${max}${unit}, got ${shown(value)}`,
      field,
    );
  }
  return value;
}

function oneOf<T extends string>(value: T, allowed: Record<string, T>, field: string): T {
  if (!Object.values(allowed).includes(value)) {
    const names = Object.values(allowed)
      .map((v) => `"${v}"`)
      .join(", ");
    refuse(`${field} must be one of ${names}, got ${shown(value)}`, field);
  }
  return value;
}

/**
 * The job of a schedule: its name must follow the one rule for job names (`JOB_NAME_PATTERN`,
 * which the envelope decoder applies too), and it must be known when `jobs` is given; unknown
 * jobs are accepted otherwise.
 */
export function checkJob(name: string, jobs: JobLookup | undefined): Job | undefined {
  if (typeof name !== "string" || name === "")
    refuse("job is required: name a registered job", "job");
  if (!JOB_NAME_PATTERN.test(name)) {
    refuse(
      `job name ${shown(name)} is invalid: use 1-128 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit`,
      "job",
    );
  }
  if (jobs === undefined) return undefined;
  const job = jobs.get(name);
  if (job === undefined) throw new UnknownJobError(name, jobs.names());
  return job;
}

/** Checks the payload is JSON ≤ MAX_PAYLOAD_BYTES and fits the job's schema; returns it as stored. */
export async function checkPayload(payload: unknown, job: Job | undefined): Promise<JsonValue> {
  checkPayloadJson(payload);
  if (job !== undefined) await validatePayload(job, payload);
  // Stored as given (the schema's output may not be JSON); the invoke side validates again.
  return JSON.parse(JSON.stringify(payload)) as JsonValue;
}

/**
 * Validates every field of a schedule definition and parses its expression. Throws
 * {@link InvalidScheduleError}, {@link UnknownJobError} or `InvalidPayloadError`; writes nothing.
 */
export async function validateDefinition(
  input: Omit<ScheduleInput, "id">,
  jobs: JobLookup | undefined,
): Promise<{ definition: ScheduleDefinition; schedule: Schedule }> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    refuse('a schedule is an object: { job: "…", expression: "…" }', "schedule");
  }
  for (const [field, value] of Object.entries(input)) {
    // A JSON null payload is a payload; any other null is a setting left out by mistake.
    if (value === null && field !== "payload") {
      refuse(`${field} is null: leave it out to use the default`, field);
    }
  }
  const job = checkJob(input.job, jobs);
  if (typeof input.expression !== "string" || input.expression.trim() === "") {
    refuse("expression is required, e.g. rate(5 minutes) or 0 12 * * 1-5", "expression");
  }
  const expression = input.expression.trim();
  // One zone, one spelling: "europe/berlin" is stored (and derives ids) as "Europe/Berlin".
  const timezone =
    typeof input.timezone === "string"
      ? canonicalZoneName(input.timezone)
      : (input.timezone ?? "UTC");
  const schedule = parseSchedule(expression, { timezone });
  const startAt = input.startAt === undefined ? undefined : toEpochMs(input.startAt, "startAt");
  const endAt = input.endAt === undefined ? undefined : toEpochMs(input.endAt, "endAt");
  if (startAt !== undefined && endAt !== undefined && endAt <= startAt) {
    refuse("endAt must be after startAt", "endAt");
  }
  const definition: ScheduleDefinition = {
    job: input.job,
    expression,
    timezone,
    payload: await checkPayload(input.payload === undefined ? {} : input.payload, job),
    firstRun: oneOf(input.firstRun ?? FIRST_RUN.immediate, FIRST_RUN, "firstRun"),
    catchUp: oneOf(input.catchUp ?? CATCH_UP.latest, CATCH_UP, "catchUp"),
    precise: input.precise ?? false,
    ...(startAt === undefined ? {} : { startAt }),
    ...(endAt === undefined ? {} : { endAt }),
    ...(input.maxRuns === undefined
      ? {}
      : { maxRuns: wholeNumber(input.maxRuns, "maxRuns", 1, Number.MAX_SAFE_INTEGER) }),
    ...(input.maxLatenessMs === undefined
      ? {}
      : {
          maxLatenessMs: wholeNumber(
            input.maxLatenessMs,
            "maxLatenessMs",
            0,
            Number.MAX_SAFE_INTEGER,
            " ms",
          ),
        }),
    ...(input.overlap === undefined ? {} : { overlap: oneOf(input.overlap, OVERLAP, "overlap") }),
    ...(historyOf(input, job) === HISTORY.failures ? { history: HISTORY.failures } : {}),
    ...(input.jitterMs === undefined
      ? {}
      : { jitterMs: wholeNumber(input.jitterMs, "jitterMs", 0, MAX_JITTER_MS, " ms") }),
  };
  if (typeof definition.precise !== "boolean") refuse("precise must be true or false", "precise");
  return { definition, schedule };
}

/**
 * The history setting, refused with overlap `skip` or `buffer-one`: their check reads the
 * previous run's record, which a successful run under `failures` does not leave.
 */
function historyOf(input: Omit<ScheduleInput, "id">, job: Job | undefined): History {
  const history = oneOf(input.history ?? HISTORY.all, HISTORY, "history");
  const overlap = input.overlap ?? job?.overlap;
  if (history === HISTORY.failures && (overlap === OVERLAP.skip || overlap === OVERLAP.bufferOne)) {
    refuse(
      `history "failures" cannot go with overlap "${overlap}": the overlap check reads the previous run's record, which a successful run does not leave; use history "all", or overlap "allow"`,
      "history",
    );
  }
  return history;
}

/** JSON with object keys sorted at every level: equal values, equal text. */
export function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The id of a schedule created without one: the job name and a hash of (job, expression, time
 * zone, canonical payload), so adding the same schedule twice finds the first.
 *
 * @example
 * deriveScheduleId({ job: "hello", expression: "rate(5 seconds)", timezone: "UTC", payload: {} });
 * // "hello-…" (16 hex digits)
 */
export function deriveScheduleId(
  definition: Pick<ScheduleDefinition, "job" | "expression" | "timezone" | "payload">,
): string {
  const key = [
    definition.job,
    definition.expression,
    definition.timezone,
    canonicalJson(definition.payload),
  ];
  const hash = createHash("sha256").update(JSON.stringify(key)).digest("hex").slice(0, 16);
  return `${definition.job.slice(0, 100)}-${hash}`;
}
