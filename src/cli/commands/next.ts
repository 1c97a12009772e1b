/**
 * `lambda-scheduler next <expression> [--tz ZONE] [--after ISO] [--start ISO] [--count N] [--json]`:
 * previews when a schedule expression fires.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { DateTime } from "luxon";
import { systemClock } from "../../clock.js";
import { InvalidScheduleError } from "../../errors.js";
import {
  describeSchedule,
  MAX_NEXT_RUNS,
  nextRuns,
  parseSchedule,
} from "../../scheduling/index.js";
import { loadZone } from "../../scheduling/zone.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { isoTime } from "../output.js";

/** Fire times listed when `--count` is not given. */
const DEFAULT_NEXT_COUNT = 10;

interface NextOptions {
  readonly tz: string;
  readonly after?: string;
  readonly start?: string;
  readonly count: number;
  readonly json?: boolean;
}

/**
 * An ISO-8601 date or date-time; one without `Z` or an offset is a wall time in `timezone`.
 * Refuses anything else with an {@link InvalidScheduleError} naming the flag.
 */
function instantOption(text: string, flag: string, timezone: string): Date {
  const zone = loadZone(timezone).name;
  const parsed = DateTime.fromISO(text.trim(), { zone, setZone: true });
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim()) || !parsed.isValid) {
    throw new InvalidScheduleError(
      `${flag} "${text}" is not an ISO-8601 date-time, e.g. 2026-01-05T09:00:00Z (without Z or an offset it is read in --tz)`,
      { field: flag },
    );
  }
  return parsed.toJSDate();
}

function countOption(): Option {
  return new Option("--count <n>", "how many fire times to list")
    .default(DEFAULT_NEXT_COUNT)
    .argParser((text) => {
      const n = Number(text);
      if (!/^\d+$/.test(text) || n < 1 || n > MAX_NEXT_RUNS) {
        throw new InvalidArgumentError(
          `give a whole number from 1 to ${MAX_NEXT_RUNS}, e.g. --count 5.`,
        );
      }
      return n;
    });
}

/** An instant as local time with its UTC offset: `2026-03-08 03:30:00 -04:00`. */
function localTime(date: Date, timezone: string): string {
  return DateTime.fromJSDate(date, { zone: timezone }).toFormat("yyyy-MM-dd HH:mm:ss ZZ");
}

/**
 * The `next` command: lists the next fire times of an expression, local and UTC, or as a JSON
 * array of ISO-8601 UTC strings. `--after` defaults to now.
 *
 * @example
 * program.addCommand(nextCommand());
 */
export function nextCommand(): Command {
  const command = new Command("next")
    .description("list the next fire times of a schedule expression")
    .argument(
      "<expression>",
      "rate(...), cron(...), 5-field cron, at(...), deadline(...) or RFC 5545 text",
    )
    .option("--tz <zone>", "IANA time zone the expression is read in", "UTC")
    .option(
      "--after <iso>",
      "list fire times strictly after this instant (default: now); without Z or an offset, a wall time in --tz",
    )
    .option(
      "--start <iso>",
      "when the schedule starts: anchors rate(...) and an rrule without DTSTART",
    )
    .addOption(countOption());
  addJsonOption(command);
  addExamples(command, [
    'next "rate(5 minutes)" --count 3',
    'next "cron(0 12 ? * MON-FRI *)" --tz Europe/Berlin',
    'next "30 2 * * *" --tz America/New_York --after 2026-03-07 --count 3',
    "next $'DTSTART;TZID=Europe/Berlin:20260105T090000\\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE' --json",
  ]);
  return command.action((expression: string, options: NextOptions, self: Command) => {
    const out = outputOf(self);
    const schedule = parseSchedule(expression, { timezone: options.tz });
    const after =
      options.after === undefined
        ? systemClock.now()
        : instantOption(options.after, "--after", options.tz);
    const start =
      options.start === undefined ? undefined : instantOption(options.start, "--start", options.tz);
    const runs = nextRuns(schedule, {
      after,
      count: options.count,
      ...(start === undefined ? {} : { start }),
    });
    if (out.json) {
      out.data(runs.map((run) => run.toISOString()));
      return;
    }
    out.print(describeSchedule(schedule));
    out.table(
      ["#", `LOCAL (${schedule.timezone})`, "UTC"],
      runs.map((run, i) => [
        String(i + 1),
        localTime(run, schedule.timezone),
        isoTime(run.getTime()),
      ]),
    );
    if (runs.length < options.count) {
      out.note(
        runs.length === 0 ? "no fire times: the schedule has ended" : "the schedule ends there",
      );
    }
  });
}
