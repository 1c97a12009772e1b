/**
 * What the dashboard's buttons do. Each action is one entry of {@link ACTIONS}: the route
 * `POST /api/schedules/:id/:action` (or `/api/runs/:runId/:action`, for an action on a run)
 * looks it up by name, so adding an action is adding an entry.
 */
import type { Clock } from "../clock.js";
import {
  deleteSchedule,
  pauseSchedule,
  resumeSchedule,
  retryRun,
  runNow,
} from "../control/index.js";
import type { Dispatcher } from "../dispatch/types.js";
import { ConfigurationError } from "../errors.js";
import type { ScheduleStore } from "../store/types.js";

/** What an action works with. */
export interface ActionContext {
  readonly store: ScheduleStore;
  readonly clock: Clock;
  /**
   * Where run-now sends runs; absent when this dashboard has no transport (DynamoDB without the
   * stack's topic), and run-now is then refused before anything is written.
   */
  readonly dispatcher?: Dispatcher;
  /** What the page says a run-now did: e.g. "queued for `lambda-scheduler dev`". */
  readonly runNowNote?: string;
  /** Why run-now is unavailable, when there is no dispatcher. */
  readonly runNowUnavailable?: string;
}

/** What an action answers. */
export interface ActionResult {
  /** One sentence for the page's status line. */
  readonly message: string;
  readonly runId?: string;
}

/** What an action acts on: a schedule (by id) or a run (by run id). */
export type ActionTarget = "schedules" | "runs";

/** One action: what it acts on, its body, and whether the page must confirm it first. */
export interface Action {
  readonly target: ActionTarget;
  readonly confirm: boolean;
  readonly run: (id: string, context: ActionContext) => Promise<ActionResult>;
}

/** The dispatcher run-now and retry send through, or why there is none. */
function dispatcherOf(context: ActionContext): Dispatcher {
  if (context.dispatcher === undefined) {
    throw new ConfigurationError(
      context.runNowUnavailable ?? "run now needs a transport, and this dashboard has none",
    );
  }
  return context.dispatcher;
}

/** What the page says after a run was sent. */
function sentNote(context: ActionContext): string {
  return context.runNowNote === undefined ? "" : ` (${context.runNowNote})`;
}

/** The actions, by the name the route and the page use. */
export const ACTIONS = {
  pause: {
    target: "schedules",
    confirm: false,
    run: async (id, context) => {
      const record = await pauseSchedule(id, context);
      return { message: `schedule ${id} is ${record.state}` };
    },
  },
  resume: {
    target: "schedules",
    confirm: false,
    run: async (id, context) => {
      const record = await resumeSchedule(id, context);
      return { message: `schedule ${id} is ${record.state}` };
    },
  },
  run: {
    target: "schedules",
    confirm: false,
    run: async (id, context) => {
      const { run } = await runNow(id, { ...context, dispatcher: dispatcherOf(context) });
      return { message: `run ${run.runId} started${sentNote(context)}`, runId: run.runId };
    },
  },
  retry: {
    target: "runs",
    confirm: false,
    run: async (runId, context) => {
      const { run } = await retryRun({ ...context, dispatcher: dispatcherOf(context) }, runId);
      return {
        message: `run ${run.runId} sent again as attempt ${run.attempt + 1}${sentNote(context)}`,
        runId: run.runId,
      };
    },
  },
  delete: {
    target: "schedules",
    confirm: true,
    run: async (id, context) => {
      await deleteSchedule(id, context);
      return { message: `schedule ${id} and its runs were deleted` };
    },
  },
} as const satisfies Record<string, Action>;

/** An action's name. */
export type ActionName = keyof typeof ACTIONS;

/** The action named `name` on `target`, or undefined when there is none. */
export function actionNamed(name: string, target: ActionTarget): Action | undefined {
  const action: Action | undefined = Object.hasOwn(ACTIONS, name)
    ? ACTIONS[name as ActionName]
    : undefined;
  return action?.target === target ? action : undefined;
}
