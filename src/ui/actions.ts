/**
 * What the dashboard's buttons do. Each action is one entry of {@link ACTIONS}: the route
 * `POST /api/schedules/:id/:action` looks it up by name, so adding an action (e.g. retrying a
 * failed run) is adding an entry.
 */
import type { Clock } from "../clock.js";
import { deleteSchedule, pauseSchedule, resumeSchedule, runNow } from "../control/index.js";
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

/** One action: its body, and whether the page must confirm it first. */
export interface Action {
  readonly confirm: boolean;
  readonly run: (id: string, context: ActionContext) => Promise<ActionResult>;
}

/** The actions, by the name the route and the page use. */
export const ACTIONS = {
  pause: {
    confirm: false,
    run: async (id, context) => {
      const record = await pauseSchedule(id, context);
      return { message: `schedule ${id} is ${record.state}` };
    },
  },
  resume: {
    confirm: false,
    run: async (id, context) => {
      const record = await resumeSchedule(id, context);
      return { message: `schedule ${id} is ${record.state}` };
    },
  },
  run: {
    confirm: false,
    run: async (id, context) => {
      const { dispatcher } = context;
      if (dispatcher === undefined) {
        throw new ConfigurationError(
          context.runNowUnavailable ?? "run now needs a transport, and this dashboard has none",
        );
      }
      const { run } = await runNow(id, { ...context, dispatcher });
      const note = context.runNowNote === undefined ? "" : ` (${context.runNowNote})`;
      return { message: `run ${run.runId} started${note}`, runId: run.runId };
    },
  },
  delete: {
    confirm: true,
    run: async (id, context) => {
      await deleteSchedule(id, context);
      return { message: `schedule ${id} and its runs were deleted` };
    },
  },
} as const satisfies Record<string, Action>;

/** An action's name. */
export type ActionName = keyof typeof ACTIONS;

/** The action named `name`, or undefined when there is none. */
export function actionNamed(name: string): Action | undefined {
  return Object.hasOwn(ACTIONS, name) ? ACTIONS[name as ActionName] : undefined;
}
