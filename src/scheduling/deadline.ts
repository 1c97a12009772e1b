/**
 * `deadline(YYYY-MM-DDTHH:MM:SS)`: fires once, as soon as possible after its start, and never
 * after the deadline. The fire instant is the evaluation's `start` when given (the schedule's
 * creation, say), otherwise the first whole second after `after`; past the deadline there is
 * none, and the caller records the schedule as expired.
 */
import { SECOND } from "./calendar.js";
import { localDateTimeToInstant, parseLocalDateTime } from "./local-time.js";
import type { DeadlineSchedule, Schedule } from "./types.js";

/**
 * Parses the inside of `deadline(...)`.
 *
 * @example
 * parseDeadline("2026-12-01T10:00:00", "deadline(2026-12-01T10:00:00)", "UTC");
 */
export function parseDeadline(
  body: string,
  expression: string,
  timezone: string,
): DeadlineSchedule {
  return {
    kind: "deadline",
    expression,
    timezone,
    ...parseLocalDateTime(body, "deadline", expression),
  };
}

/** The deadline as an instant: the schedule never fires after it. */
export function deadlineInstant(schedule: DeadlineSchedule): number {
  return localDateTimeToInstant(schedule, schedule.timezone);
}

/** The deadline instant of any schedule: undefined unless it is a `deadline` schedule. */
export function deadlineOf(schedule: Schedule): number | undefined {
  return schedule.kind === "deadline" ? deadlineInstant(schedule) : undefined;
}

/** The fire instant strictly after `afterMs`, or undefined when it would miss the deadline. */
export function nextDeadlineRun(
  schedule: DeadlineSchedule,
  afterMs: number,
  startMs: number | undefined,
): number | undefined {
  const fire = startMs ?? Math.floor(afterMs / SECOND) * SECOND + SECOND;
  if (fire <= afterMs || fire > deadlineInstant(schedule)) return undefined;
  return fire;
}
