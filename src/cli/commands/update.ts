/**
 * `lambda-scheduler update <id> [options]`: a partial change to a schedule.
 */
import { Command } from "commander";
import { systemClock } from "../../clock.js";
import { updateSchedule } from "../../control/schedules.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { jitterWarning } from "../jitter-warning.js";
import { addJobsOption, loadJobsOption } from "../jobs-option.js";
import { addScheduleOptions, explained, scheduleFieldsOf } from "../schedule-options.js";
import { addStoreOptions, withStore } from "../store-option.js";
import { usageError } from "../usage.js";
import { scheduleFields, scheduleJson } from "../views.js";

/**
 * The `update` command: changes only the options given (`--no-end` and the like remove a
 * setting); the merged schedule is validated as on `add`, and the next run is recomputed when
 * a timing option changed. The id stays, even one derived from the old definition.
 *
 * @example
 * program.addCommand(updateCommand());
 */
export function updateCommand(): Command {
  const command = new Command("update")
    .description("change some options of a schedule; the next run is recomputed")
    .argument("<id>", "schedule id");
  addScheduleOptions(command, "update");
  addJobsOption(
    command,
    "jobs module (.ts/.js): the job must exist and the payload fit its schema",
  );
  addStoreOptions(command);
  addJsonOption(command);
  addExamples(command, [
    `update nightly-report --schedule "0 3 * * *" --tz Europe/Paris`,
    `update hello-3f9c1a2b4d5e6f70 --payload '{"name":"Grace"}' --jobs src/jobs.ts`,
    "update weekly-digest --no-end --jitter 2m --catch-up all",
  ]);
  return command.action(async (id: string, _options: unknown, self: Command) => {
    const out = outputOf(self);
    const fields = await scheduleFieldsOf(self);
    if (Object.keys(fields).length === 0) {
      usageError(
        self,
        "nothing to change: give at least one option, e.g. --schedule EXPR or --payload JSON",
      );
    }
    const jobs = await loadJobsOption(self);
    const schedule = await withStore(
      self,
      (store) =>
        updateSchedule(id, fields, {
          store,
          ...(jobs === undefined ? {} : { jobs }),
        }).catch((error: unknown) => {
          throw explained(error);
        }),
      { mustExist: true },
    );
    const warning = jitterWarning(schedule, systemClock.now());
    if (out.json) {
      out.data({
        status: "updated",
        schedule: scheduleJson(schedule),
        ...(warning === undefined ? {} : { warning }),
      });
      return;
    }
    if (warning !== undefined) out.note(`warning: ${warning}`);
    out.print(`updated: schedule ${schedule.id}`);
    out.fields(scheduleFields(schedule));
  });
}
