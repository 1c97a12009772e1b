/**
 * The one-shot kinds' date-time: `YYYY-MM-DDTHH:MM:SS` as a wall time in the schedule's zone,
 * or pinned to a UTC offset with a `Z` / `±HH:MM` suffix. Calendar dates are checked strictly:
 * `2026-02-30` is refused by name rather than rolled over into March.
 */
import { InvalidScheduleError } from "../errors.js";
import { dateTimeFieldError, MINUTE, wallTime } from "./calendar.js";
import type { LocalDateTime } from "./types.js";
import { loadZone, wallTimeToInstant } from "./zone.js";

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Parses the inside of `at(...)` or `deadline(...)`. `kind` names the field in errors.
 *
 * @example
 * parseLocalDateTime("2026-12-01T10:00:00", "at", "at(2026-12-01T10:00:00)");
 * // { localTime: "2026-12-01T10:00:00" }
 */
export function parseLocalDateTime(body: string, kind: string, expression: string): LocalDateTime {
  const text = body.trim();
  const match = PATTERN.exec(text);
  const form = `${kind}(YYYY-MM-DDTHH:MM:SS), e.g. ${kind}(2026-12-01T10:00:00), optionally ending in Z or ±HH:MM`;
  if (!match) {
    throw new InvalidScheduleError(`${kind} time "${text}" is not a date-time; expected ${form}`, {
      expression,
      field: `${kind} time`,
    });
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const problem = dateTimeFieldError(year, month, day, hour, minute, second);
  if (problem !== undefined) {
    throw new InvalidScheduleError(`${kind} time "${text}": ${problem}; expected ${form}`, {
      expression,
      field: `${kind} time`,
    });
  }
  const suffix = match[7];
  if (suffix === undefined) return { localTime: text };
  if (suffix !== "Z" && offsetMinutes(suffix) === undefined) {
    throw new InvalidScheduleError(
      `${kind} UTC offset "${suffix}" is out of range -14:00 to +14:00; expected ${form}`,
      { expression, field: `${kind} offset` },
    );
  }
  return { localTime: text.slice(0, 19), utcOffset: suffix };
}

function offsetMinutes(suffix: string): number | undefined {
  if (suffix === "Z") return 0;
  const sign = suffix.startsWith("-") ? -1 : 1;
  const hours = Number(suffix.slice(1, 3));
  const minutes = Number(suffix.slice(4, 6));
  if (minutes > 59 || hours * 60 + minutes > 14 * 60) return undefined;
  return sign * (hours * 60 + minutes);
}

/** Reads a `YYYY-MM-DDTHH:MM:SS` string (already validated) as a wall time. */
export function wallTimeOf(localTime: string): number {
  return wallTime(
    Number(localTime.slice(0, 4)),
    Number(localTime.slice(5, 7)),
    Number(localTime.slice(8, 10)),
    Number(localTime.slice(11, 13)),
    Number(localTime.slice(14, 16)),
    Number(localTime.slice(17, 19)),
  );
}

/**
 * The instant a {@link LocalDateTime} denotes in `timezone`: at its fixed offset when it has
 * one, else read the RFC 5545 way (a time skipped by a daylight-saving gap is read with the
 * offset from before the gap, so 02:30 becomes 03:30; a repeated time is its first occurrence).
 */
export function localDateTimeToInstant(value: LocalDateTime, timezone: string): number {
  const wall = wallTimeOf(value.localTime);
  if (value.utcOffset !== undefined) {
    return wall - (offsetMinutes(value.utcOffset) ?? 0) * MINUTE;
  }
  return wallTimeToInstant(wall, loadZone(timezone));
}
