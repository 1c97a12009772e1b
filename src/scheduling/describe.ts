/**
 * `describeSchedule`: one line of English per schedule, for CLI output, logs and consoles.
 */

import { formatWallTimeShort } from "./calendar.js";
import { describeCron } from "./cron/index.js";
import { wallTimeOf } from "./local-time.js";
import { describeRRule } from "./rrule/describe.js";
import { assertNever, type LocalDateTime, type Schedule } from "./types.js";

function describeLocal(value: LocalDateTime, timezone: string): string {
  const { date, time } = formatWallTimeShort(wallTimeOf(value.localTime));
  const zone =
    value.utcOffset === undefined ? timezone : value.utcOffset === "Z" ? "UTC" : value.utcOffset;
  return `${date} ${time} ${zone}`;
}

/** Puts the zone after the time of day ("at 12:00 UTC, …"), or at the end. */
function withZone(text: string, timezone: string): string {
  const comma = text.indexOf(", ");
  if (/^at \d/.test(text)) {
    return comma < 0
      ? `${text} ${timezone}`
      : `${text.slice(0, comma)} ${timezone}${text.slice(comma)}`;
  }
  return `${text} (${timezone})`;
}

/**
 * A human-readable description of a schedule.
 *
 * @example
 * describeSchedule(parseSchedule("rate(30 seconds)")); // "every 30 seconds"
 * describeSchedule(parseSchedule("cron(0 12 ? * MON-FRI *)"));
 * // "at 12:00 UTC, Monday through Friday"
 * describeSchedule(parseSchedule("at(2026-12-01T10:00:00)", { timezone: "Europe/Berlin" }));
 * // "once at 2026-12-01 10:00 Europe/Berlin"
 */
export function describeSchedule(schedule: Schedule): string {
  switch (schedule.kind) {
    case "rate":
      return schedule.value === 1
        ? `every ${schedule.unit}`
        : `every ${schedule.value} ${schedule.unit}s`;
    case "cron":
    case "unix-cron":
      return withZone(describeCron(schedule.spec), schedule.timezone);
    case "at":
      return `once at ${describeLocal(schedule, schedule.timezone)}`;
    case "deadline":
      return `once, as soon as possible, no later than ${describeLocal(schedule, schedule.timezone)}`;
    case "rrule":
      return describeRRule(schedule);
    default:
      return assertNever(schedule, "schedule kind");
  }
}
