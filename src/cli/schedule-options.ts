/**
 * The options that define a schedule, shared by `add` and `update`, and their translation into
 * the control plane's input. Values are only read here (numbers, durations, JSON); the control
 * plane validates them, and its errors are given back with the option's name.
 */
import type { Command } from "commander";
import type { ScheduleInput, ScheduleUpdate } from "../control/input.js";
import { InvalidScheduleError, ScheduleExistsError } from "../errors.js";
import { OVERLAP } from "../registry/types.js";
import { canonicalZoneName } from "../scheduling/zone.js";
import { CATCH_UP, FIRST_RUN, HISTORY } from "../store/types.js";
import { parseDuration } from "./duration.js";
import { choiceOption } from "./option-values.js";
import { addPayloadOptions, readPayloadOption } from "./payload-option.js";

/** Which command the options are for: `update` can also remove optional settings. */
export type ScheduleOptionsMode = "add" | "update";

/** Parsed values of the schedule options (strings until translated). */
interface ScheduleOptionValues {
  readonly schedule?: string;
  readonly tz?: string;
  readonly job?: string;
  readonly start?: string | false;
  readonly end?: string | false;
  readonly maxRuns?: string | false;
  readonly immediate?: boolean;
  readonly catchUp?: string;
  readonly maxLateness?: string | false;
  readonly overlap?: string | false;
  readonly history?: string;
  readonly jitter?: string | false;
  readonly precise?: boolean;
}

/** The option that sets each field of a schedule, for error messages. */
const FIELD_FLAGS: Readonly<Record<string, string>> = {
  id: "--id",
  job: "--job",
  expression: "--schedule",
  timezone: "--tz",
  payload: "--payload",
  startAt: "--start",
  endAt: "--end",
  maxRuns: "--max-runs",
  firstRun: "--no-immediate",
  catchUp: "--catch-up",
  maxLatenessMs: "--max-lateness",
  overlap: "--overlap",
  history: "--history",
  jitterMs: "--jitter",
  precise: "--precise",
};

/** Adds the options of `add` (mode `add`) or `update` (which has `--job` and `--no-…` removals). */
export function addScheduleOptions(command: Command, mode: ScheduleOptionsMode): Command {
  const update = mode === "update";
  if (update) {
    command.option("--schedule <expr>", "new schedule expression");
    command.option("--job <name>", "run another job");
  } else {
    command.requiredOption(
      "--schedule <expr>",
      'rate(5 minutes) | cron(0 12 ? * MON-FRI *) | "0 12 * * 1-5" | at(…) | deadline(…) | RRULE text',
    );
  }
  addPayloadOptions(command);
  command
    .option("--tz <zone>", "IANA time zone of the expression's wall times (default: UTC)")
    .option(
      "--start <iso>",
      "no run before this instant; the anchor of rate(); e.g. 2026-01-05T09:00:00Z",
    )
    .option("--end <iso>", "no run after this instant")
    .option("--max-runs <n>", "complete after this many runs");
  if (update) {
    command
      .option("--no-start", "remove the start")
      .option("--no-end", "remove the end")
      .option("--no-max-runs", "remove the limit on runs")
      .option("--immediate", "run at once if it has never run")
      .option("--no-immediate", "wait for the first occurrence if it has never run");
  } else {
    command.option("--no-immediate", "wait for the first occurrence instead of running at once");
  }
  command
    .addOption(
      choiceOption(
        "--catch-up <policy>",
        "missed runs after downtime or a pause",
        Object.values(CATCH_UP),
      ),
    )
    .option("--max-lateness <duration>", "record occurrences later than this as MISSED, e.g. 5m")
    .addOption(
      choiceOption(
        "--overlap <policy>",
        "while the previous run is RUNNING; default the job's",
        Object.values(OVERLAP),
      ),
    )
    .addOption(
      choiceOption(
        "--history <which>",
        "runs that leave a record: all (default), or failures (a success costs one write fewer)",
        Object.values(HISTORY),
      ),
    )
    .option("--jitter <duration>", "delay each run by up to this much, e.g. 30s")
    .option("--precise", "start within a second of the time (sent straight to the queue)");
  if (update) {
    command
      .option("--no-max-lateness", "remove the lateness limit")
      .option("--no-overlap", "use the job's overlap policy")
      .option("--no-jitter", "remove the jitter")
      .option("--no-precise", "go through the topic, within the tick's minute");
  }
  return command;
}

function wholeNumber(text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim())) {
    throw new InvalidScheduleError(`${flag} must be a whole number, got ${JSON.stringify(text)}`, {
      field: flag,
    });
  }
  return Number(text);
}

/** The least lateness worth a limit: the tick and the queue alone take a good part of a second. */
const MIN_LATENESS_MS = 1_000;

/**
 * `--max-lateness` in ms. Below a second every run, however prompt, would be recorded MISSED,
 * which is never what was meant: most often `0` was written for "no limit".
 */
function maxLateness(text: string): number {
  const ms = parseDuration(text, "--max-lateness");
  if (ms < MIN_LATENESS_MS) {
    throw new InvalidScheduleError(
      `--max-lateness ${JSON.stringify(text)} would record every run as MISSED: use at least 1s, or leave it out for no limit (update: --no-max-lateness)`,
      { field: "--max-lateness" },
    );
  }
  return ms;
}

/**
 * The control plane's fields from the parsed options, `null` for a removal (`--no-end`), absent
 * for options not given. Reads the payload (from standard input for `-`).
 */
export async function scheduleFieldsOf(command: Command): Promise<ScheduleUpdate> {
  const o = command.opts<ScheduleOptionValues>();
  const removable = <T>(
    value: string | false | undefined,
    read: (text: string) => T,
  ): T | null | undefined =>
    value === undefined ? undefined : value === false ? null : read(value);
  const payload = await readPayloadOption(command);
  const fields: Record<string, unknown> = {
    job: o.job,
    expression: o.schedule,
    // Stored in its IANA spelling (`europe/berlin` → `Europe/Berlin`), so one zone has one id.
    timezone: o.tz === undefined ? undefined : canonicalZoneName(o.tz),
    payload,
    startAt: removable(o.start, (text) => text),
    endAt: removable(o.end, (text) => text),
    maxRuns: removable(o.maxRuns, (text) => wholeNumber(text, "--max-runs")),
    firstRun:
      o.immediate === undefined
        ? undefined
        : o.immediate
          ? FIRST_RUN.immediate
          : FIRST_RUN.scheduled,
    catchUp: o.catchUp,
    maxLatenessMs: removable(o.maxLateness, maxLateness),
    overlap: removable(o.overlap, (text) => text),
    history: o.history,
    jitterMs: removable(o.jitter, (text) => parseDuration(text, "--jitter")),
    precise: o.precise,
  };
  for (const key of Object.keys(fields)) if (fields[key] === undefined) delete fields[key];
  return fields as ScheduleUpdate;
}

/** {@link scheduleFieldsOf} for `add`: the job from its argument, nothing removed. */
export async function scheduleInputOf(
  command: Command,
  job: string,
  id?: string,
): Promise<ScheduleInput> {
  const fields = await scheduleFieldsOf(command);
  return {
    ...(fields as Omit<ScheduleInput, "id" | "job">),
    job,
    ...(id === undefined ? {} : { id }),
  };
}

/**
 * A control-plane refusal made to point at the command line: a field's option is named
 * (`maxRuns must be …` becomes `… (option --max-runs)`), and an id taken by another schedule
 * says what holds it and what to do.
 */
export function explained(error: unknown): unknown {
  if (error instanceof ScheduleExistsError && error.cause instanceof Error) {
    const detailed = new ScheduleExistsError(error.scheduleId, { cause: error });
    detailed.message = `${error.message}: ${error.cause.message}`;
    return detailed;
  }
  if (!(error instanceof InvalidScheduleError) || error.field === undefined) return error;
  const flag = FIELD_FLAGS[error.field];
  if (flag === undefined || error.message.includes(flag)) return error;
  return new InvalidScheduleError(
    `${error.message} (option ${flag})`,
    {
      field: error.field,
      ...(error.expression === undefined ? {} : { expression: error.expression }),
    },
    { cause: error },
  );
}
