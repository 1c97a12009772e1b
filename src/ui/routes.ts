/**
 * The dashboard's JSON routes: reads of the store shaped for the page (views.ts), and the
 * actions (actions.ts). Each answers a status and a JSON body; server.ts does the HTTP.
 */
import type { Clock } from "../clock.js";
import { previewRuns } from "../control/runs.js";
import {
  ConfigurationError,
  ConflictError,
  InvalidPayloadError,
  InvalidScheduleError,
  RequestError,
  RunNotFoundError,
  RunStateError,
  ScheduleNotFoundError,
} from "../errors.js";
import type { RunRecord, ScheduleRecord, ScheduleStore } from "../store/types.js";
import { ACTIONS, type ActionContext, type ActionTarget, actionNamed } from "./actions.js";
import { recentFailures } from "./failures.js";
import { TIMELINE_MAX_HOURS, timelineOf } from "./timeline.js";
import { runView, type ScheduleRow, scheduleDetail, scheduleRow } from "./views.js";

/** Schedules the dashboard lists at most (each costs a read of its newest run per refresh). */
export const DASHBOARD_SCHEDULE_LIMIT = 200;
/** Failed runs the failures list shows. */
export const FAILURES_SHOWN = 50;
/** Runs the schedule page lists. */
export const HISTORY_SHOWN = 50;

/** A route's answer. */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

/** The status of an error thrown by the control plane or the store. */
export function statusOf(error: unknown): number {
  if (error instanceof RequestError) return error.status;
  if (error instanceof ScheduleNotFoundError || error instanceof RunNotFoundError) return 404;
  if (
    error instanceof RunStateError ||
    error instanceof InvalidScheduleError ||
    error instanceof InvalidPayloadError ||
    error instanceof ConflictError ||
    error instanceof ConfigurationError
  ) {
    return 409;
  }
  return 500;
}

/** The schedules, ascending by next run, at most {@link DASHBOARD_SCHEDULE_LIMIT}. */
export async function listAll(
  store: ScheduleStore,
): Promise<{ schedules: ScheduleRecord[]; more: boolean }> {
  const schedules: ScheduleRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listSchedules({
      limit: Math.min(100, DASHBOARD_SCHEDULE_LIMIT + 1 - schedules.length),
      ...(cursor === undefined ? {} : { cursor }),
    });
    schedules.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== undefined && schedules.length <= DASHBOARD_SCHEDULE_LIMIT);
  return {
    schedules: schedules.slice(0, DASHBOARD_SCHEDULE_LIMIT),
    more: schedules.length > DASHBOARD_SCHEDULE_LIMIT || cursor !== undefined,
  };
}

/** What the live feed sends: the schedules table and the failures list. */
export interface Snapshot {
  readonly schedules: readonly ScheduleRow[];
  /** More schedules exist than the dashboard lists. */
  readonly more: boolean;
  readonly failures: ReturnType<typeof runView>[];
}

/** Reads the snapshot the live feed compares and sends. */
export async function readSnapshot(store: ScheduleStore): Promise<Snapshot> {
  const { schedules, more } = await listAll(store);
  const rows: ScheduleRow[] = [];
  const zones = new Map<string, string>();
  for (const record of schedules) {
    const [last] = (await store.listRuns(record.id, { limit: 1 })).items;
    rows.push(scheduleRow(record, last));
    zones.set(record.id, record.timezone);
  }
  const failures = await recentFailures(store, FAILURES_SHOWN);
  return {
    schedules: rows,
    more,
    failures: failures.map((run: RunRecord) => runView(run, zones.get(run.scheduleId) ?? "UTC")),
  };
}

/** The schedule page of `id`. */
export async function readDetail(
  id: string,
  deps: { readonly store: ScheduleStore; readonly clock: Clock },
): Promise<Reply> {
  const record = await deps.store.getSchedule(id);
  if (record === undefined) throw new ScheduleNotFoundError(id);
  const runs = await deps.store.listRuns(id, { limit: HISTORY_SHOWN });
  let next: Awaited<ReturnType<typeof previewRuns>> = [];
  try {
    next = await previewRuns(id, 10, deps);
  } catch (error) {
    // An expression stored by an older version that no longer parses: show the rest.
    if (!(error instanceof InvalidScheduleError)) throw error;
  }
  return { status: 200, body: scheduleDetail(record, runs.items, next) };
}

/** The timeline of the next `hours` (a whole number from 1 to two weeks; default 24). */
export async function readTimeline(
  hoursText: string | null,
  deps: { readonly store: ScheduleStore; readonly clock: Clock },
): Promise<Reply> {
  const hours = hoursText === null ? 24 : Number(hoursText);
  if (!Number.isInteger(hours) || hours < 1 || hours > TIMELINE_MAX_HOURS) {
    throw new RequestError(
      400,
      `timeline hours must be a whole number from 1 to ${TIMELINE_MAX_HOURS}, got "${hoursText}"`,
    );
  }
  const { schedules } = await listAll(deps.store);
  return { status: 200, body: await timelineOf(deps, schedules, hours) };
}

/** Runs action `name` on the schedule or run `id`. */
export async function runAction(
  target: ActionTarget,
  name: string,
  id: string,
  context: ActionContext,
): Promise<Reply> {
  const action = actionNamed(name, target);
  if (action === undefined) {
    const offered = Object.entries(ACTIONS)
      .filter(([, entry]) => entry.target === target)
      .map(([offeredName]) => offeredName);
    throw new RequestError(
      404,
      `no action "${name}" on ${target}: the actions are ${offered.join(", ")}`,
    );
  }
  return { status: 200, body: await action.run(id, context) };
}

/** What the page needs to know about this dashboard: its store and which actions it offers. */
export function info(context: ActionContext, storeLabel: string): Reply {
  return {
    status: 200,
    body: {
      store: storeLabel,
      runNow: context.dispatcher !== undefined,
      ...(context.runNowUnavailable === undefined
        ? {}
        : { runNowUnavailable: context.runNowUnavailable }),
      confirm: Object.fromEntries(Object.entries(ACTIONS).map(([n, a]) => [n, a.confirm])),
    },
  };
}
