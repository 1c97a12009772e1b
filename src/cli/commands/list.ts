/**
 * `lambda-scheduler list [--job J] [--state S] [--due-before ISO] [--limit N]`.
 */
import { Command } from "commander";
import { toEpochMs } from "../../control/input.js";
import { SCHEDULE_STATE, type ScheduleState } from "../../store/types.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { choiceOption, limitOption } from "../option-values.js";
import { addStoreOptions, readPages, storeArgs, withStore } from "../store-option.js";
import { SCHEDULE_HEADER, scheduleJson, scheduleRow } from "../views.js";

/** Schedules listed when `--limit` is not given. */
const DEFAULT_LIST_LIMIT = 100;

interface ListOptions {
  readonly job?: string;
  readonly state?: ScheduleState;
  readonly dueBefore?: string;
  readonly limit: number;
}

/**
 * The `list` command: schedules sorted by next run (those without one last), filtered.
 *
 * @example
 * program.addCommand(listCommand());
 */
export function listCommand(): Command {
  const command = new Command("list")
    .description("list schedules, soonest next run first")
    .option("--job <name>", "only schedules of this job")
    .addOption(
      choiceOption(
        "--state <state>",
        "only schedules in this state",
        Object.values(SCHEDULE_STATE),
      ),
    )
    .option("--due-before <iso>", "only schedules whose next run is at or before this instant")
    .addOption(limitOption(DEFAULT_LIST_LIMIT, "schedules"));
  addStoreOptions(command);
  addJsonOption(command);
  addExamples(command, [
    "list",
    "list --job report --state PAUSED",
    "list --due-before 2026-01-05T12:00:00Z --json",
    "list --table schedules --limit 20",
  ]);
  return command.action(async (options: ListOptions, self: Command) => {
    const out = outputOf(self);
    const dueBefore =
      options.dueBefore === undefined ? undefined : toEpochMs(options.dueBefore, "--due-before");
    const { schedules, more } = await withStore(
      self,
      async (store) => {
        const { items, more } = await readPages(options.limit, (page) =>
          store.listSchedules({
            ...(options.job === undefined ? {} : { job: options.job }),
            ...(options.state === undefined ? {} : { state: options.state }),
            ...(dueBefore === undefined ? {} : { dueBefore }),
            ...page,
          }),
        );
        return { schedules: items, more };
      },
      { mustExist: true },
    );
    if (more) out.note(`more schedules match: raise --limit (now ${options.limit})`);
    if (out.json) {
      out.data(schedules.map(scheduleJson));
      return;
    }
    if (schedules.length === 0) {
      out.note(
        `no schedules match; add one with: lambda-scheduler add <job> --schedule EXPR${storeArgs(self)}`,
      );
      return;
    }
    out.table(SCHEDULE_HEADER, schedules.map(scheduleRow));
  });
}
