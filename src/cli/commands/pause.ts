/**
 * `lambda-scheduler pause <id>` and `lambda-scheduler resume <id>`.
 */
import { Command } from "commander";
import type { ControlDependencies } from "../../control/deps.js";
import { pauseSchedule, resumeSchedule } from "../../control/lifecycle.js";
import { ScheduleNotFoundError } from "../../errors.js";
import { SCHEDULE_STATE, type ScheduleRecord, type ScheduleState } from "../../store/types.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { isoTime } from "../output.js";
import { addStoreOptions, withStore } from "../store-option.js";
import { scheduleJson } from "../views.js";

interface LifecycleCommand {
  readonly name: "pause" | "resume";
  readonly description: string;
  readonly change: (id: string, deps: ControlDependencies) => Promise<ScheduleRecord>;
  /** The state after the change: when the schedule was in it already, nothing changed. */
  readonly target: ScheduleState;
  readonly done: string;
}

function lifecycleCommand(spec: LifecycleCommand): Command {
  const command = new Command(spec.name)
    .description(spec.description)
    .argument("<id>", "schedule id");
  addStoreOptions(command);
  addJsonOption(command);
  addExamples(command, [`${spec.name} nightly-report`, `${spec.name} nightly-report --json`]);
  return command.action(async (id: string, _options: unknown, self: Command) => {
    const out = outputOf(self);
    const { before, after } = await withStore(
      self,
      async (store) => {
        const before = await store.getSchedule(id);
        if (before === undefined) throw new ScheduleNotFoundError(id);
        return { before, after: await spec.change(id, { store }) };
      },
      { mustExist: true },
    );
    const changed = before.state !== spec.target;
    if (out.json) {
      out.data({ status: changed ? spec.done : "unchanged", schedule: scheduleJson(after) });
      return;
    }
    if (!changed) {
      out.print(`unchanged: schedule ${id} is already ${spec.target}`);
      return;
    }
    const next =
      after.nextRunAt === undefined ? after.state : `next run ${isoTime(after.nextRunAt)}`;
    out.print(`${spec.done}: schedule ${id} (${next})`);
  });
}

/**
 * The `pause` command: the schedule stops running until resumed.
 *
 * @example
 * program.addCommand(pauseCommand());
 */
export function pauseCommand(): Command {
  return lifecycleCommand({
    name: "pause",
    description: "pause a schedule: no run until it is resumed",
    change: pauseSchedule,
    target: SCHEDULE_STATE.PAUSED,
    done: "paused",
  });
}

/**
 * The `resume` command: the schedule runs again; what it missed follows its catch-up policy.
 *
 * @example
 * program.addCommand(resumeCommand());
 */
export function resumeCommand(): Command {
  return lifecycleCommand({
    name: "resume",
    description: "resume a paused schedule; missed runs follow its catch-up policy",
    change: resumeSchedule,
    target: SCHEDULE_STATE.ENABLED,
    done: "resumed",
  });
}
