/**
 * The core of `apply` and `diff`: the file of schedules is what the store should hold. Every
 * line is read and validated first; then the plan (add, change, remove, keyed by id) is made
 * from reads alone, and only a plan with no refusal is carried out. Separate from the commands
 * so that it can be driven without a process.
 */
import type { ControlDependencies } from "../control/deps.js";
import type { ScheduleUpdate } from "../control/input.js";
import { deleteSchedule, pauseSchedule, resumeSchedule } from "../control/lifecycle.js";
import {
  createPrepared,
  type PreparedSchedule,
  prepareSchedule,
  updateSchedule,
} from "../control/schedules.js";
import {
  InvalidScheduleError,
  ScheduleExistsError,
  SchedulerError,
  StoreError,
} from "../errors.js";
import { SCHEDULE_STATE, type ScheduleRecord, type ScheduleState } from "../store/types.js";
import { type LineDifference, lineDifferences } from "./definition-diff.js";
import { fieldOf, type ImportRefusal, readItems } from "./import-lines.js";
import type { LineSource } from "./jsonl.js";
import { readPages } from "./store-option.js";

/** What a step of a plan does. */
export const PLAN_ACTION = { remove: "remove", add: "add", change: "change" } as const;
/** One of {@link PLAN_ACTION}. */
export type PlanAction = (typeof PLAN_ACTION)[keyof typeof PLAN_ACTION];

/** One step of a plan, keyed by schedule id. */
export type PlanStep =
  | {
      readonly action: typeof PLAN_ACTION.remove;
      readonly id: string;
      readonly record: ScheduleRecord;
    }
  | {
      readonly action: typeof PLAN_ACTION.add;
      readonly id: string;
      readonly line: number;
      readonly prepared: PreparedSchedule;
      readonly paused: boolean;
    }
  | {
      readonly action: typeof PLAN_ACTION.change;
      readonly id: string;
      readonly line: number;
      readonly record: ScheduleRecord;
      readonly prepared: PreparedSchedule;
      readonly paused: boolean;
      readonly differences: readonly LineDifference[];
    };

/** What {@link planApply} found: the steps (removals first), or every refused line. */
export type ApplyPlan =
  | { readonly ok: true; readonly steps: readonly PlanStep[]; readonly unchanged: string[] }
  | { readonly ok: false; readonly refused: readonly ImportRefusal[] };

/** Options of {@link planApply}. */
export interface PlanOptions {
  /** Remove the stored schedules the file does not name. */
  readonly prune: boolean;
}

/** The schedule a prepared line describes, as export would write it. */
function lineSourceOf(prepared: PreparedSchedule, state: ScheduleState): LineSource {
  return { id: prepared.id, ...prepared.definition, state };
}

/**
 * Reads and validates every line (as `import` does), then compares each with the stored
 * schedule of its id: absent → add, different in any exported field → change, else unchanged.
 * With `prune`, every stored schedule the file does not name is removed. Reads only; a store
 * failure is thrown, not reported per line.
 */
export async function planApply(
  lines: readonly string[],
  deps: ControlDependencies,
  options: PlanOptions,
): Promise<ApplyPlan> {
  const { items, refused } = readItems(lines);
  const removals: PlanStep[] = [];
  const steps: PlanStep[] = [];
  const unchanged: string[] = [];
  const named = new Map<string, { line: number; source: LineSource }>();
  for (const { line, input, paused } of items) {
    try {
      const prepared = await prepareSchedule(input, deps);
      const state = paused ? SCHEDULE_STATE.PAUSED : SCHEDULE_STATE.ENABLED;
      const source = lineSourceOf(prepared, state);
      const earlier = named.get(prepared.id);
      if (earlier !== undefined) {
        if (lineDifferences(earlier.source, source).length === 0) continue;
        throw new ScheduleExistsError(prepared.id, {
          cause: new Error(`line ${earlier.line} gives this id to a different schedule`),
        });
      }
      named.set(prepared.id, { line, source });
      const record = await deps.store.getSchedule(prepared.id);
      if (record === undefined) {
        // A schedule that would never fire (an `at` in the past) cannot be added.
        if (prepared.record instanceof InvalidScheduleError) throw prepared.record;
        steps.push({ action: PLAN_ACTION.add, id: prepared.id, line, prepared, paused });
        continue;
      }
      const differences = lineDifferences(record, source);
      if (differences.length === 0) unchanged.push(prepared.id);
      else {
        steps.push({
          action: PLAN_ACTION.change,
          id: prepared.id,
          line,
          record,
          prepared,
          paused,
          differences,
        });
      }
    } catch (error) {
      if (!(error instanceof SchedulerError) || error instanceof StoreError) throw error;
      refused.push({ line, field: fieldOf(error), error });
    }
  }
  if (refused.length > 0) {
    return { ok: false, refused: refused.sort((a, b) => a.line - b.line) };
  }
  if (options.prune) {
    const { items: stored } = await readPages(Number.POSITIVE_INFINITY, (page) =>
      deps.store.listSchedules(page),
    );
    for (const record of stored.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
      if (!named.has(record.id))
        removals.push({ action: PLAN_ACTION.remove, id: record.id, record });
    }
  }
  return { ok: true, steps: [...removals, ...steps], unchanged };
}

/** The update that makes a stored schedule its line: only the fields that differ. */
function updateOf(step: Extract<PlanStep, { action: "change" }>): ScheduleUpdate {
  const definition = step.prepared.definition as unknown as Record<string, unknown>;
  const update: Record<string, unknown> = {};
  for (const { field } of step.differences) {
    if (field === "state") continue;
    // A field the line leaves out is removed (`null`); history's absence means "all".
    update[field] = definition[field] ?? (field === "history" ? "all" : null);
  }
  return update as ScheduleUpdate;
}

/** What {@link runApply} did: the steps carried out, and the step that failed, if one did. */
export interface ApplyOutcome {
  readonly applied: readonly { readonly action: PlanAction; readonly id: string }[];
  readonly failed?: {
    readonly action: PlanAction;
    readonly id: string;
    readonly error: Error;
  };
}

/** Carries out one step through the control plane. */
async function runStep(step: PlanStep, deps: ControlDependencies): Promise<void> {
  switch (step.action) {
    case PLAN_ACTION.remove:
      await deleteSchedule(step.id, deps);
      return;
    case PLAN_ACTION.add: {
      await createPrepared(step.prepared, deps);
      if (step.paused) await pauseSchedule(step.id, deps);
      return;
    }
    case PLAN_ACTION.change: {
      const update = updateOf(step);
      // Runs are kept: an update rewrites the schedule item only, never its run records.
      if (Object.keys(update).length > 0) await updateSchedule(step.id, update, deps);
      const { state } = step.record;
      if (step.paused && state === SCHEDULE_STATE.ENABLED) await pauseSchedule(step.id, deps);
      if (!step.paused && state === SCHEDULE_STATE.PAUSED) await resumeSchedule(step.id, deps);
      return;
    }
    default: {
      const unreachable: never = step;
      throw new SchedulerError(`unknown plan step ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * Carries out a plan in order (removals first, then the file's lines in order) and stops at the
 * first step that fails: the store cannot apply several schedules in one transaction, so the
 * outcome says exactly which steps were applied before the failure.
 */
export async function runApply(
  steps: readonly PlanStep[],
  deps: ControlDependencies,
): Promise<ApplyOutcome> {
  const applied: { action: PlanAction; id: string }[] = [];
  for (const step of steps) {
    try {
      await runStep(step, deps);
    } catch (error) {
      const failed = error instanceof Error ? error : new Error(String(error));
      return { applied, failed: { action: step.action, id: step.id, error: failed } };
    }
    applied.push({ action: step.action, id: step.id });
  }
  return { applied };
}
