/**
 * `lambda-scheduler history <id> [--limit N] [--status S]`: a schedule's runs, newest first.
 */
import { Command } from "commander";
import { ScheduleNotFoundError } from "../../errors.js";
import { RUN_STATUS, type RunStatus } from "../../store/types.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { choiceOption, limitOption } from "../option-values.js";
import { addStoreOptions, readPages, withStore } from "../store-option.js";
import { RUN_HEADER, runJson, runRow } from "../views.js";

/** Runs shown when `--limit` is not given. */
const DEFAULT_HISTORY_LIMIT = 20;

interface HistoryOptions {
  readonly limit: number;
  readonly status?: RunStatus;
}

/**
 * The `history` command.
 *
 * @example
 * program.addCommand(historyCommand());
 */
export function historyCommand(): Command {
  const command = new Command("history")
    .description("show a schedule's runs, newest first")
    .argument("<id>", "schedule id")
    .addOption(limitOption(DEFAULT_HISTORY_LIMIT, "runs"))
    .addOption(
      choiceOption("--status <status>", "only runs in this status", Object.values(RUN_STATUS)),
    );
  addStoreOptions(command);
  addJsonOption(command);
  addExamples(command, [
    "history nightly-report",
    "history nightly-report --status failed --limit 5 --json",
  ]);
  return command.action(async (id: string, options: HistoryOptions, self: Command) => {
    const out = outputOf(self);
    const { runs, more } = await withStore(
      self,
      async (store) => {
        if ((await store.getSchedule(id)) === undefined) throw new ScheduleNotFoundError(id);
        const { items, more } = await readPages(options.limit, (page) =>
          store.listRuns(id, {
            ...(options.status === undefined ? {} : { status: options.status }),
            ...page,
          }),
        );
        return { runs: items, more };
      },
      { mustExist: true },
    );
    if (more) out.note(`older runs exist: raise --limit (now ${options.limit})`);
    if (out.json) {
      out.data(runs.map(runJson));
      return;
    }
    if (runs.length === 0) {
      out.note(
        options.status === undefined
          ? `schedule ${id} has no runs yet`
          : `no ${options.status} runs`,
      );
      return;
    }
    out.table(RUN_HEADER, runs.map(runRow));
  });
}
