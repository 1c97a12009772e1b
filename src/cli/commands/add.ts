/**
 * `lambda-scheduler add <job> --schedule EXPR [options]`: creates a schedule.
 */
import { Command } from "commander";
import { systemClock } from "../../clock.js";
import { createSchedule } from "../../control/schedules.js";
import { ScheduleExistsError } from "../../errors.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { differingSchedule } from "../definition-diff.js";
import { jitterWarning } from "../jitter-warning.js";
import { addJobsOption, loadJobsOption } from "../jobs-option.js";
import { addScheduleOptions, explained, scheduleInputOf } from "../schedule-options.js";
import { addStoreOptions, storeArgs, withStore } from "../store-option.js";
import { scheduleFields, scheduleJson } from "../views.js";
import { maxReceiveCount, receiveLimitWarning } from "./jobs.js";

/**
 * The `add` command. Without `--id` the id is derived from (job, schedule, zone, payload), so
 * adding the same schedule twice says "unchanged" and exits 0. With `--jobs`, the job must
 * exist and the payload must fit its schema; a refusal writes nothing.
 *
 * @example
 * program.addCommand(addCommand());
 */
export function addCommand(): Command {
  const command = new Command("add")
    .description("add a schedule: run <job> on a schedule with a JSON payload")
    .argument("<job>", "name of the job to run")
    .option("--id <id>", "schedule id (default: derived from job, schedule, zone and payload)");
  addScheduleOptions(command, "add");
  addJobsOption(
    command,
    "jobs module (.ts/.js): the job must exist and the payload fit its schema",
  );
  addStoreOptions(command);
  addJsonOption(command);
  addExamples(command, [
    `add hello --schedule "rate(5 minutes)" --payload '{"name":"Ada"}'`,
    `add report --schedule "0 9 * * MON-FRI" --tz Europe/Berlin --id weekday-report --no-immediate`,
    `add snapshot --schedule "cron(0 3 * * ? *)" --payload-file snapshot.json --catch-up none --jobs src/jobs.ts`,
    `echo '{"to":"ops"}' | lambda-scheduler add notify --schedule "at(2026-12-01T10:00:00)" --payload -`,
  ]);
  return command.action(async (job: string, options: { id?: string }, self: Command) => {
    const out = outputOf(self);
    const input = await scheduleInputOf(self, job, options.id);
    const jobs = await loadJobsOption(self);
    const { schedule, created } = await withStore(self, (store) =>
      createSchedule(input, { store, ...(jobs === undefined ? {} : { jobs }) }).catch(
        async (error: unknown) => {
          // Most often this very `add` again after an `update`: say what differs, and how to
          // make the stored schedule this one.
          if (error instanceof ScheduleExistsError) {
            const stored = await store.getSchedule(error.scheduleId);
            const differing =
              stored === undefined
                ? undefined
                : differingSchedule(stored, input, storeArgs(self), error);
            if (differing !== undefined) throw differing;
          }
          throw explained(error);
        },
      ),
    );
    // Only a loaded jobs module says how many attempts the job makes.
    const warnings = [
      (() => {
        const defined = jobs?.get(schedule.job);
        return defined === undefined ? undefined : receiveLimitWarning(defined, maxReceiveCount());
      })(),
      jitterWarning(schedule, systemClock.now()),
    ].filter((text) => text !== undefined);
    const warning = warnings.length === 0 ? undefined : warnings.join("; ");
    if (out.json) {
      out.data({
        status: created ? "added" : "unchanged",
        schedule: scheduleJson(schedule),
        ...(warning === undefined ? {} : { warning }),
      });
      return;
    }
    for (const text of warnings) out.note(`warning: ${text}`);
    if (!created) {
      out.print(`unchanged: schedule ${schedule.id} already exists`);
      return;
    }
    out.print(`added: schedule ${schedule.id}`);
    out.fields(scheduleFields(schedule));
  });
}
