/**
 * `lambda-scheduler show <id>`: one schedule, its next 5 fire times and its last 10 runs.
 */
import { Command } from "commander";
import { previewRuns } from "../../control/runs.js";
import { ScheduleNotFoundError } from "../../errors.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { isoTime, zoneTime } from "../output.js";
import { addStoreOptions, withStore } from "../store-option.js";
import { RUN_HEADER, runJson, runRow, scheduleFields, scheduleJson } from "../views.js";

/** Upcoming fire times shown. */
const SHOW_NEXT = 5;
/** Latest runs shown. */
const SHOW_RUNS = 10;

/**
 * The `show` command.
 *
 * @example
 * program.addCommand(showCommand());
 */
export function showCommand(): Command {
  const command = new Command("show")
    .description(`show a schedule, its next ${SHOW_NEXT} fire times and its last ${SHOW_RUNS} runs`)
    .argument("<id>", "schedule id (see: lambda-scheduler list)");
  addStoreOptions(command);
  addJsonOption(command);
  addExamples(command, ["show nightly-report", "show hello-3f9c1a2b4d5e6f70 --json"]);
  return command.action(async (id: string, _options: unknown, self: Command) => {
    const out = outputOf(self);
    const { schedule, next, runs } = await withStore(
      self,
      async (store) => {
        const schedule = await store.getSchedule(id);
        if (schedule === undefined) throw new ScheduleNotFoundError(id);
        const next = await previewRuns(id, SHOW_NEXT, { store });
        const { items } = await store.listRuns(id, { limit: SHOW_RUNS });
        return { schedule, next, runs: items };
      },
      { mustExist: true },
    );
    if (out.json) {
      out.data({
        schedule: scheduleJson(schedule),
        next: next.map((run) => ({
          scheduledAt: run.scheduledAt.toISOString(),
          dueAt: run.dueAt.toISOString(),
        })),
        runs: runs.map(runJson),
      });
      return;
    }
    out.fields(scheduleFields(schedule));
    out.print();
    if (next.length === 0) out.print(`next runs: none (${schedule.state})`);
    else {
      const local = schedule.timezone !== "UTC";
      out.table(
        local ? ["NEXT RUNS (UTC)", "LOCAL TIME"] : ["NEXT RUNS (UTC)"],
        next.map((run) => {
          const at = run.scheduledAt.getTime();
          return local ? [isoTime(at), zoneTime(at, schedule.timezone)] : [isoTime(at)];
        }),
      );
    }
    out.print();
    if (runs.length === 0) out.print("runs: none yet");
    else out.table(RUN_HEADER, runs.map(runRow));
  });
}
