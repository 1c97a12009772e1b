/**
 * The timeline: each schedule's occurrences within a window, and the instants within it at
 * which a schedule's zone changes its clocks (daylight saving), so the page can mark those days.
 */
import { DateTime } from "luxon";
import type { Clock } from "../clock.js";
import { previewRuns } from "../control/runs.js";
import {
  SCHEDULE_STATE,
  type ScheduleRecord,
  type ScheduleState,
  type ScheduleStore,
} from "../store/types.js";
import { describeRecord, type InstantView, instantView } from "./views.js";

/** Occurrences listed per schedule at most; a rate of seconds has thousands a day. */
export const TIMELINE_MAX_OCCURRENCES = 200;
/** The longest window the timeline accepts: two weeks. */
export const TIMELINE_MAX_HOURS = 24 * 14;

/** A change of a zone's UTC offset. */
export interface ClockChange {
  /** The first instant with the new offset. */
  readonly at: InstantView;
  /** The local day it happens on, `YYYY-MM-DD`. */
  readonly day: string;
  /** Offsets in minutes east of UTC, before and after. */
  readonly fromOffset: number;
  readonly toOffset: number;
}

/** One schedule's row of the timeline. */
export interface TimelineRow {
  readonly id: string;
  readonly job: string;
  readonly description: string;
  readonly timezone: string;
  /** Only ENABLED schedules have occurrences: a paused one fires nothing until resumed. */
  readonly state: ScheduleState;
  readonly occurrences: readonly InstantView[];
  /** More occurrences fall in the window than {@link TIMELINE_MAX_OCCURRENCES}. */
  readonly truncated: boolean;
  readonly clockChanges: readonly ClockChange[];
}

/** The timeline of a window. */
export interface Timeline {
  readonly from: string;
  readonly to: string;
  readonly rows: readonly TimelineRow[];
}

const HOUR = 3_600_000;

function offsetAt(ms: number, zone: string): number {
  return DateTime.fromMillis(ms, { zone }).offset;
}

/**
 * The offset changes of `zone` in [from, to). Zones change offsets at most a few times a year
 * and never twice within an hour, so hourly samples find each change; a binary search then
 * places it to the second.
 */
export function clockChanges(zone: string, from: number, to: number): ClockChange[] {
  const changes: ClockChange[] = [];
  let before = offsetAt(from, zone);
  for (let start = from; start < to; start += HOUR) {
    const end = Math.min(start + HOUR, to);
    const after = offsetAt(end, zone);
    if (after === before) continue;
    let low = start;
    let high = end;
    while (high - low > 1_000) {
      const middle = Math.floor((low + high) / 2);
      if (offsetAt(middle, zone) === before) low = middle;
      else high = middle;
    }
    changes.push({
      at: instantView(high, zone),
      day: DateTime.fromMillis(high, { zone }).toFormat("yyyy-MM-dd"),
      fromOffset: before,
      toOffset: after,
    });
    before = after;
  }
  return changes;
}

/**
 * The timeline from `now` for `hours` hours: each ENABLED schedule's occurrences as the tick will
 * take them (`previewRuns`), and its zone's clock changes.
 */
export async function timelineOf(
  deps: { readonly store: ScheduleStore; readonly clock: Clock },
  schedules: readonly ScheduleRecord[],
  hours: number,
): Promise<Timeline> {
  const now = deps.clock.now().getTime();
  const to = now + hours * HOUR;
  const rows: TimelineRow[] = [];
  for (const record of schedules) {
    let upcoming: Date[] = [];
    if (record.state === SCHEDULE_STATE.ENABLED) {
      try {
        const preview = await previewRuns(record.id, TIMELINE_MAX_OCCURRENCES + 1, deps);
        upcoming = preview.map((run) => run.scheduledAt);
      } catch {
        // Deleted since the listing, or an expression that no longer parses: no occurrences.
      }
    }
    const inWindow = upcoming.filter((at) => at.getTime() < to);
    rows.push({
      id: record.id,
      job: record.job,
      description: describeRecord(record),
      timezone: record.timezone,
      state: record.state,
      occurrences: inWindow
        .slice(0, TIMELINE_MAX_OCCURRENCES)
        .map((at) => instantView(at.getTime(), record.timezone)),
      truncated: inWindow.length > TIMELINE_MAX_OCCURRENCES,
      clockChanges: clockChanges(record.timezone, now, to),
    });
  }
  return { from: new Date(now).toISOString(), to: new Date(to).toISOString(), rows };
}
