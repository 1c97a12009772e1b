/**
 * `at(YYYY-MM-DDTHH:MM:SS)`: fires once, at that wall time in the schedule's zone (or at the
 * explicit UTC offset it carries).
 */

import { localDateTimeToInstant, parseLocalDateTime } from "./local-time.js";
import type { AtSchedule } from "./types.js";

/**
 * Parses the inside of `at(...)`.
 *
 * @example
 * parseAt("2026-12-01T10:00:00", "at(2026-12-01T10:00:00)", "Europe/Berlin");
 */
export function parseAt(body: string, expression: string, timezone: string): AtSchedule {
  return { kind: "at", expression, timezone, ...parseLocalDateTime(body, "at", expression) };
}

/** The fire instant of an `at` schedule. */
export function atInstant(schedule: AtSchedule): number {
  return localDateTimeToInstant(schedule, schedule.timezone);
}

/** The fire instant if it is strictly after `afterMs`. */
export function nextAtRun(schedule: AtSchedule, afterMs: number): number | undefined {
  const at = atInstant(schedule);
  return at > afterMs ? at : undefined;
}
