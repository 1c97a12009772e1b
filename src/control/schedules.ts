/**
 * The control plane: create, change, pause, resume and delete schedules. The CLI and local mode
 * call these; every refusal happens before anything is written.
 */
import { InvalidScheduleError, ScheduleExistsError } from "../errors.js";
import { dueAtOf, firstOccurrence, followingOccurrence } from "../planning/index.js";
import type { Schedule } from "../scheduling/index.js";
import {
  type NewScheduleRecord,
  SCHEDULE_STATE,
  type ScheduleChanges,
  type ScheduleRecord,
  type ScheduleStore,
} from "../store/types.js";
import { type ControlDependencies, nowOf, withLatest } from "./deps.js";
import {
  canonicalJson,
  checkScheduleId,
  deriveScheduleId,
  REMOVABLE_FIELDS,
  type ScheduleDefinition,
  type ScheduleInput,
  type ScheduleUpdate,
  validateDefinition,
} from "./input.js";

/** What {@link createSchedule} returns: the stored schedule, and whether this call created it. */
export interface CreateScheduleResult {
  readonly schedule: ScheduleRecord;
  /** False when the same schedule already existed (same id, job, expression, zone, payload). */
  readonly created: boolean;
}

function sameDefinition(record: ScheduleRecord, definition: ScheduleDefinition): boolean {
  return (
    record.job === definition.job &&
    record.expression === definition.expression &&
    record.timezone === definition.timezone &&
    canonicalJson(record.payload) === canonicalJson(definition.payload)
  );
}

/** Why a schedule has no occurrence, in words a person can act on. */
function neverFires(definition: ScheduleDefinition, schedule: Schedule): InvalidScheduleError {
  const reason =
    schedule.kind === "deadline"
      ? "its deadline has passed; give a later deadline"
      : definition.endAt !== undefined
        ? `endAt ${new Date(definition.endAt).toISOString()} is before its first occurrence; move endAt later`
        : "it has no occurrence after its start; check the expression and startAt";
  return new InvalidScheduleError(`schedule "${definition.expression}" never fires: ${reason}`, {
    expression: definition.expression,
    field: schedule.kind === "deadline" ? "expression" : "endAt",
  });
}

/**
 * Validates and stores a new schedule, ENABLED, with its first occurrence on the due index.
 * Validation (expression, time zone, job, payload size and schema, options) happens before
 * anything is written. Without `id`, the id is derived from (job, expression, time zone,
 * payload): adding the same schedule twice returns the first with `created: false`; so does an
 * explicit `id` whose schedule has the same definition. An explicit `id` taken by a different
 * schedule throws `ScheduleExistsError`.
 *
 * @example
 * const { schedule } = await createSchedule(
 *   { job: "hello", expression: "rate(5 minutes)", payload: { name: "Ada" } },
 *   { store, jobs: registryJobs },
 * );
 * console.log(schedule.id, new Date(schedule.nextRunAt ?? 0));
 */
export async function createSchedule(
  input: ScheduleInput,
  deps: ControlDependencies,
): Promise<CreateScheduleResult> {
  return createPrepared(await prepareSchedule(input, deps), deps);
}

/**
 * Creates a schedule {@link prepareSchedule} checked, as {@link createSchedule} does: the same
 * schedule already stored is returned with `created: false`; an id taken by a different one
 * throws `ScheduleExistsError`.
 */
export async function createPrepared(
  prepared: PreparedSchedule,
  deps: ControlDependencies,
): Promise<CreateScheduleResult> {
  const { id, definition, record } = prepared;
  const found = await storedAs(prepared, deps.store);
  if (found !== undefined) return { schedule: found, created: false };
  if (record instanceof InvalidScheduleError) throw record;
  try {
    const created = await deps.store.createSchedule(record);
    return { schedule: created, created: true };
  } catch (error) {
    // Created concurrently by another caller between our read and our write.
    if (!(error instanceof ScheduleExistsError)) throw error;
    const raced = await existing(id, definition, deps.store);
    if (raced === undefined) throw error;
    return { schedule: raced, created: false };
  }
}

/** A schedule checked for creation, as {@link prepareSchedule} returns it. */
export interface PreparedSchedule {
  readonly id: string;
  readonly definition: ScheduleDefinition;
  /**
   * The record to create: ENABLED, with its first occurrence on the due index. Or why there is
   * none (it never fires, or an `at` is past), which refuses it unless it is stored already.
   */
  readonly record: NewScheduleRecord | InvalidScheduleError;
}

/**
 * Every check {@link createSchedule} makes before it touches the store: id, fields, expression,
 * job and payload; and whether the schedule fires at all (an `at` in the past does not), which
 * refuses it only when it is not stored already (see {@link PreparedSchedule}). Reads and writes
 * nothing, so a batch (an import) can check every schedule before creating the first.
 */
export async function prepareSchedule(
  input: ScheduleInput,
  deps: Pick<ControlDependencies, "jobs" | "clock">,
): Promise<PreparedSchedule> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new InvalidScheduleError('a schedule is an object: { job: "…", expression: "…" }', {
      field: "schedule",
    });
  }
  if (input.id !== undefined) checkScheduleId(input.id);
  const { definition, schedule } = await validateDefinition(input, deps.jobs);
  const id = input.id ?? deriveScheduleId(definition);
  const now = nowOf(deps);
  const timing = { id, ...definition, runCount: 0, createdAt: now };
  const first = firstOccurrence(timing, schedule);
  if (first === undefined) return { id, definition, record: neverFires(definition, schedule) };
  if (schedule.kind === "at" && first < now) {
    const refusal = new InvalidScheduleError(
      `${definition.expression} is in the past (${new Date(first).toISOString()}); give a future time, or run an existing schedule's job once now with "lambda-scheduler run <id>" (runNow in the API)`,
      { expression: definition.expression, field: "expression" },
    );
    return { id, definition, record: refusal };
  }
  const record = {
    ...timing,
    state: SCHEDULE_STATE.ENABLED,
    nextRunAt: first,
    dueAt: dueAtOf(timing, first),
  };
  return { id, definition, record };
}

/**
 * The stored schedule with the prepared one's id and definition, if there is one; throws
 * `ScheduleExistsError` if the id holds a different schedule. Reads only.
 */
export function storedAs(
  prepared: PreparedSchedule,
  store: ScheduleStore,
): Promise<ScheduleRecord | undefined> {
  return existing(prepared.id, prepared.definition, store);
}

/** The stored schedule `id` if it has this definition; throws if `id` holds a different one. */
async function existing(
  id: string,
  definition: ScheduleDefinition,
  store: ScheduleStore,
): Promise<ScheduleRecord | undefined> {
  const record = await store.getSchedule(id);
  if (record === undefined) return undefined;
  if (sameDefinition(record, definition)) return record;
  throw new ScheduleExistsError(id, {
    cause: new Error(
      `it runs job "${record.job}" on "${record.expression}" (${record.timezone}); choose another id, or change it with update`,
    ),
  });
}

/** The input a stored schedule was made from, for merging changes into. */
function inputOf(record: ScheduleRecord): Omit<ScheduleInput, "id"> {
  const { job, expression, timezone, payload, firstRun, catchUp, precise } = record;
  const { startAt, endAt, maxRuns, maxLatenessMs, overlap, history, jitterMs } = record;
  return {
    job,
    expression,
    timezone,
    payload,
    firstRun,
    catchUp,
    precise,
    startAt,
    endAt,
    maxRuns,
    maxLatenessMs,
    overlap,
    history,
    jitterMs,
  };
}

/** Fields whose change moves the next occurrence. */
const TIMING_FIELDS = [
  "expression",
  "timezone",
  "startAt",
  "endAt",
  "maxRuns",
  "firstRun",
] as const;

/** The next occurrence of an ENABLED schedule at `now`: its first if it never ran, else the next after now. */
function nextAfterChange(
  record: ScheduleRecord,
  schedule: Schedule,
  now: number,
): number | undefined {
  if (record.lastScheduledAt === undefined) return firstOccurrence(record, schedule);
  return followingOccurrence(
    record,
    schedule,
    Math.max(record.lastScheduledAt, now),
    record.runCount,
  );
}

/**
 * Changes some fields of a schedule. The merged schedule is validated as on creation, before
 * anything is written; if a timing field changed (expression, time zone, start, end, maxRuns,
 * firstRun) an ENABLED schedule's next occurrence is recomputed from now (or from its first
 * occurrence if it never ran), and it completes if none is left. `null` removes an optional
 * field. The id stays, even when it was derived from the old definition.
 *
 * @example
 * await updateSchedule("nightly", { expression: "0 3 * * *", endAt: null }, { store });
 */
export async function updateSchedule(
  id: string,
  update: ScheduleUpdate,
  deps: ControlDependencies,
): Promise<ScheduleRecord> {
  if (typeof update !== "object" || update === null || Array.isArray(update)) {
    throw new InvalidScheduleError("an update is an object of the fields to change", {
      field: "update",
    });
  }
  for (const [key, value] of Object.entries(update)) {
    if (value === null && !(REMOVABLE_FIELDS as readonly string[]).includes(key)) {
      throw new InvalidScheduleError(
        `${key} cannot be removed with null: give a value; null removes only ${REMOVABLE_FIELDS.join(", ")}`,
        { field: key },
      );
    }
  }
  return withLatest(id, deps, async (record, now) => {
    const merged: Record<string, unknown> = { ...inputOf(record) };
    for (const [key, value] of Object.entries(update)) {
      if (value !== undefined) merged[key] = value === null ? undefined : value;
    }
    const input = merged as unknown as Omit<ScheduleInput, "id">;
    const { definition, schedule } = await validateDefinition(input, deps.jobs);
    // Every optional field is written, undefined included, so that `null` removes it.
    const changes: Record<string, unknown> = {
      startAt: undefined,
      endAt: undefined,
      maxRuns: undefined,
      maxLatenessMs: undefined,
      overlap: undefined,
      history: undefined,
      jitterMs: undefined,
      ...definition,
    };
    const updated = { ...record, ...(changes as Partial<ScheduleRecord>) } as ScheduleRecord;
    if (record.state === SCHEDULE_STATE.ENABLED) {
      const moved = TIMING_FIELDS.some((field) => update[field] !== undefined);
      const next = moved ? nextAfterChange(updated, schedule, now) : record.nextRunAt;
      Object.assign(
        changes,
        next === undefined
          ? { state: SCHEDULE_STATE.COMPLETED, nextRunAt: undefined, dueAt: undefined }
          : { nextRunAt: next, dueAt: dueAtOf(updated, next) },
      );
    }
    return changes as ScheduleChanges;
  });
}
