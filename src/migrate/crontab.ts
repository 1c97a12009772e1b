/**
 * A crontab (as `crontab -l` prints it: cron(5), five fields or a macro, then the command)
 * read into schedules of one job. Pure: text in, schedule inputs and refusals out; the
 * expressions themselves are checked by the control plane when the schedules are checked.
 *
 * - Blank lines and `#` comments are skipped.
 * - `CRON_TZ=Zone` sets the time zone of the lines after it (cronie's rule); before any, the
 *   zone is the one given (the machine's, which cron used).
 * - `TZ=`, `SHELL=`, `PATH=` and other variables are the command's environment, as cron gives
 *   it: they travel in the payload (`env`), never change the schedule. `MAILTO=`/`MAILFROM=`
 *   are cron's mail of the output: noted, not carried over.
 * - `@reboot` is refused: it runs when the daemon starts, which is no schedule.
 * - An unescaped `%` (cron turns it into a newline and feeds the rest to standard input) is
 *   refused; `\%` is a plain `%`.
 */
import { createHash } from "node:crypto";
import type { ScheduleInput } from "../control/input.js";
import { InvalidScheduleError } from "../errors.js";
import { canonicalZoneName, loadZone } from "../scheduling/zone.js";

/** One schedule a crontab line makes, with its line number (from 1). */
export interface CrontabSchedule {
  readonly line: number;
  readonly input: ScheduleInput;
}

/** A line that makes no schedule: its number and why (refused) or what was not carried over. */
export interface CrontabNote {
  readonly line: number;
  readonly reason: string;
}

/** What {@link readCrontab} found. */
export interface CrontabReading {
  readonly schedules: readonly CrontabSchedule[];
  /** Lines that should have made a schedule and cannot. */
  readonly refused: readonly CrontabNote[];
  /** Settings that have no equivalent and are left out (MAILTO). */
  readonly ignored: readonly CrontabNote[];
}

/** Options of {@link readCrontab}. */
export interface CrontabOptions {
  /** The job every schedule runs. */
  readonly job: string;
  /** The zone of lines before any `CRON_TZ=`: the zone of the machine the crontab ran on. */
  readonly timezone?: string;
}

/** Variables that set how cron mails a job's output: nothing here mails. */
const MAIL_VARIABLES: ReadonlySet<string> = new Set(["MAILTO", "MAILFROM"]);
const ENV_LINE = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;
const FIVE_FIELDS = /^(\S+\s+\S+\s+\S+\s+\S+\s+\S+)\s+(.+)$/;
const MACRO = /^(@\w+)\s+(.+)$/;

/** An environment value as cron(5) reads it: surrounding quotes of one kind are dropped. */
function unquoted(value: string): string {
  const text = value.trim();
  const quote = text[0];
  if ((quote === '"' || quote === "'") && text.length >= 2 && text.endsWith(quote)) {
    return text.slice(1, -1);
  }
  return text;
}

/** The command as the shell gets it, or why it cannot be carried over. */
function commandOf(text: string): string | { refused: string } {
  if (/(^|[^\\])%/.test(text)) {
    return {
      refused:
        'the command has an unescaped "%", which cron turns into standard input; write \\% for a plain %, or move the input into a script',
    };
  }
  return text.replaceAll("\\%", "%").trim();
}

/**
 * The id of a line's schedule: the job and a hash of the command, so that a changed time or
 * zone keeps the id (and `apply` changes the schedule in place, history kept), while moving
 * lines around changes nothing. The same command on several lines takes `-2`, `-3`… in order.
 */
function idOf(job: string, command: string, seen: Map<string, number>): string {
  const hash = createHash("sha256").update(command).digest("hex").slice(0, 12);
  const base = `${job.slice(0, 100)}-${hash}`;
  const count = (seen.get(base) ?? 0) + 1;
  seen.set(base, count);
  return count === 1 ? base : `${base}-${count}`;
}

/**
 * Reads a crontab into schedules of `options.job`; the payload of each is
 * `{ "command": "<its command>" }`, plus `"env"` when variables were set above it.
 *
 * @example
 * readCrontab("CRON_TZ=Europe/Berlin\n0 3 * * * /usr/bin/backup --full\n", { job: "shell" });
 * // schedules: [{ line: 2, input: { id: "shell-…", job: "shell", expression: "0 3 * * *",
 * //   timezone: "Europe/Berlin", payload: { command: "/usr/bin/backup --full" } } }]
 */
export function readCrontab(text: string, options: CrontabOptions): CrontabReading {
  const schedules: CrontabSchedule[] = [];
  const refused: CrontabNote[] = [];
  const ignored: CrontabNote[] = [];
  const env: Record<string, string> = {};
  const seen = new Map<string, number>();
  let timezone = options.timezone ?? "UTC";
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const variable = ENV_LINE.exec(trimmed);
    if (variable !== null) {
      const [, name = "", rawValue = ""] = variable;
      const value = unquoted(rawValue);
      if (name === "CRON_TZ") {
        try {
          timezone =
            value === "" ? (options.timezone ?? "UTC") : loadZone(canonicalZoneName(value)).name;
        } catch (error) {
          refused.push({ line, reason: `CRON_TZ: ${(error as Error).message}` });
        }
      } else if (MAIL_VARIABLES.has(name)) {
        ignored.push({
          line,
          reason: `${name} is not carried over: nothing mails a run's output; failed runs go to the errors topic`,
        });
      } else env[name] = value;
      continue;
    }
    const entry = MACRO.exec(trimmed) ?? FIVE_FIELDS.exec(trimmed);
    if (entry === null) {
      refused.push({
        line,
        reason:
          "not a crontab entry: expected five time fields or a macro (@daily…) and a command, or NAME=value",
      });
      continue;
    }
    const [, expression = "", commandText = ""] = entry;
    if (expression.toLowerCase() === "@reboot") {
      refused.push({
        line,
        reason:
          "@reboot runs when the cron daemon starts, which is no schedule: run the job from your service's start instead",
      });
      continue;
    }
    const command = commandOf(commandText);
    if (typeof command !== "string") {
      refused.push({ line, reason: command.refused });
      continue;
    }
    const payload = Object.keys(env).length === 0 ? { command } : { command, env: { ...env } };
    schedules.push({
      line,
      input: {
        id: idOf(options.job, command, seen),
        job: options.job,
        expression,
        timezone,
        payload,
      },
    });
  }
  return { schedules, refused, ignored };
}

/** A refusal of {@link readCrontab} as the error the import reports for its line. */
export function crontabRefusal(note: CrontabNote): InvalidScheduleError {
  return new InvalidScheduleError(note.reason, { field: "crontab" });
}
