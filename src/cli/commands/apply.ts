/**
 * `lambda-scheduler apply <file> [--prune] [--dry-run]` and `diff <file>`: the JSON-lines file
 * is what the store should hold. Both show the plan (added, changed field by field, removed,
 * keyed by id); `apply` then carries it out.
 */
import { Command } from "commander";
import { SchedulerError } from "../../errors.js";
import type { JobLookup } from "../../registry/types.js";
import type { ScheduleStore } from "../../store/types.js";
import {
  type ApplyOutcome,
  type ApplyPlan,
  PLAN_ACTION,
  type PlanStep,
  planApply,
  runApply,
} from "../apply-plan.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { confirm } from "../confirm.js";
import { addJobsOption, loadJobsOption } from "../jobs-option.js";
import type { Output } from "../output.js";
import { linesOf, readSource } from "../read-source.js";
import { explained } from "../schedule-options.js";
import { addStoreOptions, withStore } from "../store-option.js";
import { EXIT_CODE } from "../usage.js";

interface ApplyOptions {
  readonly prune?: boolean;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
}

/** A plan step as `--json` prints it. */
function stepJson(step: PlanStep): Record<string, unknown> {
  switch (step.action) {
    case PLAN_ACTION.remove:
      return { action: step.action, id: step.id };
    case PLAN_ACTION.add:
      return { action: step.action, id: step.id, line: step.line };
    case PLAN_ACTION.change:
      return {
        action: step.action,
        id: step.id,
        line: step.line,
        fields: step.differences.map(({ field, stored, given }) => ({
          field,
          stored: stored === undefined ? null : JSON.parse(stored),
          given: given === undefined ? null : JSON.parse(given),
        })),
      };
    default: {
      const unreachable: never = step;
      throw new SchedulerError(`unknown plan step ${JSON.stringify(unreachable)}`);
    }
  }
}

/** The refusals of a plan as `--json` prints them. */
function refusedJson(plan: Extract<ApplyPlan, { ok: false }>): Record<string, unknown>[] {
  return plan.refused.map(({ line, field, error }) => ({
    line,
    ...(field === undefined ? {} : { field }),
    reason: (explained(error) as Error).message,
  }));
}

/** Prints a plan for people: one line per step, then one per changed field. */
function printPlan(out: Output, plan: Extract<ApplyPlan, { ok: true }>): void {
  const shown = (value: string | undefined): string => value ?? "(none)";
  for (const step of plan.steps) {
    switch (step.action) {
      case PLAN_ACTION.remove:
        out.print(
          out.paint("red", `- ${step.id}  (${step.record.job} on ${step.record.expression})`),
        );
        break;
      case PLAN_ACTION.add: {
        const { job, expression } = step.prepared.definition;
        out.print(out.paint("green", `+ ${step.id}  (${job} on ${expression})`));
        break;
      }
      case PLAN_ACTION.change: {
        out.print(out.paint("yellow", `~ ${step.id}`));
        const width = Math.max(...step.differences.map((row) => row.field.length)) + 1;
        for (const { field, stored, given } of step.differences) {
          out.print(`    ${`${field}:`.padEnd(width)}  ${shown(stored)} → ${shown(given)}`);
        }
        break;
      }
      default: {
        const unreachable: never = step;
        throw new SchedulerError(`unknown plan step ${JSON.stringify(unreachable)}`);
      }
    }
  }
  out.print(summaryOf(plan));
}

function countOf(plan: Extract<ApplyPlan, { ok: true }>, action: string): number {
  return plan.steps.filter((step) => step.action === action).length;
}

function summaryOf(plan: Extract<ApplyPlan, { ok: true }>): string {
  return `plan: ${countOf(plan, PLAN_ACTION.add)} to add, ${countOf(plan, PLAN_ACTION.change)} to change, ${countOf(plan, PLAN_ACTION.remove)} to remove, ${plan.unchanged.length} unchanged`;
}

/** Prints the refused lines; the exit code is set by the caller. */
function printRefused(out: Output, plan: Extract<ApplyPlan, { ok: false }>, after: string): void {
  for (const { line, field, reason } of refusedJson(plan)) {
    out.note(`refused: line ${line}${field === undefined ? "" : ` (${field})`}: ${reason}`);
  }
  out.note(after);
}

/** Reads the file and makes the plan against the command's store. */
async function planOf(
  file: string,
  prune: boolean,
  store: ScheduleStore,
  jobs: JobLookup | undefined,
): Promise<ApplyPlan> {
  const lines = linesOf(await readSource(file));
  return planApply(lines, { store, ...(jobs === undefined ? {} : { jobs }) }, { prune });
}

/** Adds the options `apply` and `diff` share. */
function addPlanOptions(command: Command): Command {
  command.argument("<file>", "JSON-lines file (as export writes it), or - for standard input");
  command.option("--prune", "remove the stored schedules the file does not name");
  addJobsOption(
    command,
    "jobs module (.ts/.js): each job must exist and each payload fit its schema",
  );
  addStoreOptions(command);
  return addJsonOption(command);
}

/** Whether the removals of a plan may go ahead: asked on a terminal, else only with `--yes`. */
async function removalsAllowed(
  plan: Extract<ApplyPlan, { ok: true }>,
  options: ApplyOptions,
): Promise<boolean> {
  const removals = countOf(plan, PLAN_ACTION.remove);
  if (removals === 0 || options.yes === true) return true;
  if (process.stdin.isTTY !== true) {
    throw new SchedulerError(
      `not applying: --prune would remove ${removals} schedule(s) and their run history, and there is no terminal to confirm on; pass --yes to apply without asking (nothing was applied)`,
    );
  }
  return confirm(`remove ${removals} schedule(s) and their run history, and apply the rest?`);
}

/** Prints what a run of the plan did; a failure midway says what was applied before it. */
function printOutcome(out: Output, outcome: ApplyOutcome): void {
  if (outcome.failed !== undefined) {
    const { action, id, error } = outcome.failed;
    const done = outcome.applied.map((step) => `${step.action} ${step.id}`).join(", ");
    out.note(`failed: ${action} ${id}: ${error.message}`);
    out.note(
      `applied before the failure (kept): ${done === "" ? "nothing" : done}; the rest was not applied: run apply again to finish`,
    );
  }
  const applied = (action: string) => outcome.applied.filter((s) => s.action === action).length;
  out.print(
    `applied: ${applied(PLAN_ACTION.add)} added, ${applied(PLAN_ACTION.change)} changed, ${applied(PLAN_ACTION.remove)} removed`,
  );
}

/**
 * The `apply` command: every line is validated and the plan made before anything is written;
 * a refused line applies nothing (exit 1). Removals (`--prune`) are shown first, and need
 * `--yes` without a terminal. A store failure midway stops at that step, and the output says
 * which steps were applied before it.
 *
 * @example
 * program.addCommand(applyCommand());
 */
export function applyCommand(): Command {
  const command = new Command("apply").description(
    "make the store hold the schedules of a JSON-lines file: add, change in place, and with --prune remove",
  );
  addPlanOptions(command);
  command
    .option("--dry-run", "show the plan and change nothing (as diff does)")
    .option("-y, --yes", "do not ask before --prune removes: needed without a terminal");
  command.addHelpText(
    "after",
    `
The file is the JSON-lines format of export and import; each line names its schedule by id
(a line without one gets the derived id, so changing it makes a new schedule). The plan is
printed first: "+ id" added, "~ id" changed (then each field: stored → given), "- id" removed.
A changed expression, time zone, start, end or maxRuns recomputes the next run; the run
history is kept. Exit codes: 0 nothing to do or all applied; 1 a line was refused (nothing
applied) or a step failed (the steps applied before it are listed); 2 usage error.`,
  );
  addExamples(command, [
    "apply schedules.jsonl",
    "apply schedules.jsonl --prune --yes --table schedules",
    "apply schedules.jsonl --dry-run --json",
  ]);
  return command.action(async (file: string, options: ApplyOptions, self: Command) => {
    const out = outputOf(self);
    const jobs = await loadJobsOption(self);
    await withStore(self, async (store) => {
      const plan = await planOf(file, options.prune === true, store, jobs);
      if (!plan.ok) {
        process.exitCode = EXIT_CODE.failed;
        if (out.json) out.data({ refused: refusedJson(plan), applied: [] });
        else printRefused(out, plan, "nothing was applied: fix the refused lines and apply again");
        return;
      }
      const steps = plan.steps.map(stepJson);
      if (!out.json) printPlan(out, plan);
      if (options.dryRun === true || plan.steps.length === 0) {
        if (out.json) out.data({ plan: steps, unchanged: plan.unchanged, applied: [] });
        else if (options.dryRun === true) out.note("dry run: nothing was applied");
        return;
      }
      if (!(await removalsAllowed(plan, options))) {
        out.note("kept: nothing was applied");
        if (out.json) out.data({ plan: steps, unchanged: plan.unchanged, applied: [] });
        return;
      }
      const deps = { store, ...(jobs === undefined ? {} : { jobs }) };
      const outcome = await runApply(plan.steps, deps);
      if (outcome.failed !== undefined) process.exitCode = EXIT_CODE.failed;
      if (!out.json) {
        printOutcome(out, outcome);
        return;
      }
      out.data({
        plan: steps,
        unchanged: plan.unchanged,
        applied: outcome.applied,
        ...(outcome.failed === undefined
          ? {}
          : {
              failed: {
                action: outcome.failed.action,
                id: outcome.failed.id,
                reason: outcome.failed.error.message,
              },
            }),
      });
    });
  });
}

/**
 * The `diff` command: the plan `apply` would carry out, and nothing else. Exit codes: 0 the
 * store holds the file; 3 it differs; 1 a line was refused; 2 usage error.
 *
 * @example
 * program.addCommand(diffCommand());
 */
export function diffCommand(): Command {
  const command = new Command("diff").description(
    "show what apply would change: the schedules a JSON-lines file adds, changes and (--prune) removes",
  );
  addPlanOptions(command);
  command.addHelpText(
    "after",
    `
Prints the plan of apply ("+ id" added, "~ id" changed field by field, "- id" removed with
--prune) and writes nothing. Exit codes: 0 the store holds what the file says; 3 it differs
(as git diff --exit-code, but 1 stays "refused or failed" as for every command); 1 a line was
refused; 2 usage error.`,
  );
  addExamples(command, [
    "diff schedules.jsonl",
    "diff schedules.jsonl --prune --table schedules",
    "export | lambda-scheduler diff - --db other.db",
  ]);
  return command.action(async (file: string, options: ApplyOptions, self: Command) => {
    const out = outputOf(self);
    const jobs = await loadJobsOption(self);
    const plan = await withStore(self, (store) =>
      planOf(file, options.prune === true, store, jobs),
    );
    if (!plan.ok) {
      process.exitCode = EXIT_CODE.failed;
      if (out.json) out.data({ refused: refusedJson(plan) });
      else printRefused(out, plan, "no plan: fix the refused lines and diff again");
      return;
    }
    if (plan.steps.length > 0) process.exitCode = EXIT_CODE.differs;
    if (out.json) out.data({ plan: plan.steps.map(stepJson), unchanged: plan.unchanged });
    else printPlan(out, plan);
  });
}
