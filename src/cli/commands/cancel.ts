/**
 * `lambda-scheduler cancel <runId>`: a run that has not started never will.
 */
import { Command } from "commander";
import { cancelRun } from "../../control/cancel.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { addStoreOptions, withStore } from "../store-option.js";
import { runJson } from "../views.js";

const HELP = `
Cancels a PENDING, DISPATCHED or RETRYING run, or an occurrence that has no run
record yet (a precise run waiting out its delay, a run on its way, or one still
to come): it is recorded CANCELLED, and its message, whenever it arrives, is
acknowledged without running the job. A RUNNING run is not interrupted, and a
run that has ended stays as it is: both are refused.`;

/**
 * The `cancel` command.
 *
 * @example
 * program.addCommand(cancelCommand());
 */
export function cancelCommand(): Command {
  const command = new Command("cancel")
    .description("cancel a run that has not started, so that it never does")
    .argument("<runId>", "run id, <schedule-id>@<scheduled ISO time> (see `runs` or `next`)");
  addStoreOptions(command);
  addJsonOption(command);
  command.addHelpText("after", HELP);
  addExamples(command, [
    "cancel nightly-report@2026-05-01T09:30:00.000Z",
    "cancel nightly-report@2026-05-01T09:30:00.000Z --table schedules --json",
  ]);
  return command.action(async (runId: string, _options: unknown, self: Command) => {
    const out = outputOf(self);
    const { run, created } = await withStore(self, (store) => cancelRun({ store }, runId), {
      mustExist: true,
    });
    if (out.json) {
      out.data({ status: "cancelled", created, run: runJson(run) });
      return;
    }
    out.print(`cancelled: run ${run.runId}${created ? " (before it had a record)" : ""}`);
  });
}
