/**
 * `lambda-scheduler remove <id> [--yes]`: deletes a schedule and its run history.
 */
import { Command } from "commander";
import { deleteSchedule } from "../../control/lifecycle.js";
import { ScheduleNotFoundError, SchedulerError } from "../../errors.js";
import type { ScheduleRecord } from "../../store/types.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { confirm } from "../confirm.js";
import { addStoreOptions, withStore } from "../store-option.js";

/**
 * The `remove` command. It asks first on a terminal; without one it refuses unless `--yes` is
 * given, so that a script never deletes by accident.
 *
 * @example
 * program.addCommand(removeCommand());
 */
export function removeCommand(): Command {
  const command = new Command("remove")
    .description("delete a schedule and its run history (asks first unless --yes)")
    .argument("<id>", "schedule id")
    .option("-y, --yes", "do not ask: needed when there is no terminal to ask on");
  addStoreOptions(command);
  addJsonOption(command);
  addExamples(command, ["remove nightly-report", "remove nightly-report --yes --table schedules"]);
  return command.action(async (id: string, options: { yes?: boolean }, self: Command) => {
    const out = outputOf(self);
    const removed = await withStore(
      self,
      async (store): Promise<ScheduleRecord | undefined> => {
        const schedule = await store.getSchedule(id);
        if (schedule === undefined) throw new ScheduleNotFoundError(id);
        if (options.yes !== true) {
          if (process.stdin.isTTY !== true) {
            throw new SchedulerError(
              `not removing schedule ${id}: there is no terminal to confirm on; pass --yes to remove it without asking`,
            );
          }
          const question = `remove schedule ${id} (${schedule.job} on ${schedule.expression}) and its run history?`;
          if (!(await confirm(question))) return undefined;
        }
        await deleteSchedule(id, { store });
        return schedule;
      },
      { mustExist: true },
    );
    if (removed === undefined) {
      out.note(`kept: schedule ${id} was not removed`);
      if (out.json) out.data({ status: "kept", id });
      return;
    }
    if (out.json) out.data({ status: "removed", id });
    else out.print(`removed: schedule ${id}`);
  });
}
