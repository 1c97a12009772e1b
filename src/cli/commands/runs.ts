/**
 * `lambda-scheduler runs [--status S] [--job NAME] [--since 1h]`: runs of every schedule that
 * need a person (failed, retrying, missed, cancelled…), newest first, from the runs index.
 */

import { Command, Option } from "commander";
import { systemClock } from "../../clock.js";
import { listRunsAcross } from "../../control/runs-across.js";
import {
  INDEXED_RUN_STATUSES,
  isIndexedRunStatus,
  RUN_STATUS,
  type RunStatus,
} from "../../store/types.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { parseDuration } from "../duration.js";
import { choiceOption, limitOption } from "../option-values.js";
import { addStoreOptions, readPages, storeArgs, withStore } from "../store-option.js";
import { usageError } from "../usage.js";
import { RUN_ACROSS_HEADER, runAcrossRow, runJson } from "../views.js";

/** Runs shown when `--limit` is not given. */
const DEFAULT_RUNS_LIMIT = 20;

interface RunsOptions {
  readonly limit: number;
  readonly status?: RunStatus;
  readonly job?: string;
  readonly since?: string;
}

/** Why a status is off the runs index, in words. */
const NOT_INDEXED_BECAUSE: Partial<Record<RunStatus, string>> = {
  RUNNING: "every run passes through RUNNING; indexing it would cost each run two writes",
  SUCCEEDED: "most runs end SUCCEEDED; indexing it would cost each run a write",
  BUFFERED: "a run waits under overlap buffer-one only as long as the run before it lasts",
};

const HELP = `
Only runs in these statuses are listed: ${INDEXED_RUN_STATUSES.join(", ")}.
RUNNING, SUCCEEDED and BUFFERED runs are not on the index this command reads
(indexing them would cost every run a write): list them per schedule with
\`lambda-scheduler history <id> --status succeeded\`.`;

/**
 * The `runs` command.
 *
 * @example
 * program.addCommand(runsCommand());
 */
export function runsCommand(): Command {
  const command = new Command("runs")
    .description(
      "list runs across schedules that need attention (failed, retrying, missed…), newest first",
    )
    .addOption(
      choiceOption("--status <status>", "only runs in this status", Object.values(RUN_STATUS)),
    )
    .addOption(new Option("--job <name>", "only runs of this job"))
    .addOption(
      new Option("--since <duration>", "only runs scheduled within this long, e.g. 1h, 30m, 2d"),
    )
    .addOption(limitOption(DEFAULT_RUNS_LIMIT, "runs"));
  addStoreOptions(command);
  addJsonOption(command);
  command.addHelpText("after", HELP);
  addExamples(command, [
    "runs --status failed --since 1h",
    "runs --job nightly-report --limit 50 --json",
  ]);
  return command.action(async (options: RunsOptions, self: Command) => {
    const out = outputOf(self);
    if (options.status !== undefined && !isIndexedRunStatus(options.status)) {
      usageError(
        self,
        `--status ${options.status.toLowerCase()}: ${options.status} runs are not on the runs index (${NOT_INDEXED_BECAUSE[options.status] ?? "indexing them would cost each run a write"}). List them per schedule: lambda-scheduler history <id> --status ${options.status.toLowerCase()}`,
      );
    }
    let since: number | undefined;
    if (options.since !== undefined)
      since = systemClock.now().getTime() - parseDuration(options.since, "--since");
    const { items, more } = await withStore(
      self,
      (store) =>
        readPages(options.limit, (page) =>
          listRunsAcross(store, {
            ...(options.status === undefined ? {} : { status: options.status }),
            ...(options.job === undefined ? {} : { job: options.job }),
            ...(since === undefined ? {} : { since }),
            ...page,
          }),
        ),
      { mustExist: true },
    );
    if (more) out.note(`older runs exist: raise --limit (now ${options.limit}) or narrow --since`);
    if (out.json) {
      out.data(items.map(runJson));
      return;
    }
    if (items.length === 0) {
      const what =
        options.status === undefined ? "runs needing attention" : `${options.status} runs`;
      out.note(
        `no ${what}${options.job === undefined ? "" : ` of job ${options.job}`}${options.since === undefined ? "" : ` in the last ${options.since}`}`,
      );
      return;
    }
    out.table(RUN_ACROSS_HEADER, items.map(runAcrossRow));
    if (items.some((run) => run.status === RUN_STATUS.FAILED)) {
      out.note(`run a FAILED run again with: lambda-scheduler retry <run id>${storeArgs(self)}`);
    }
  });
}
