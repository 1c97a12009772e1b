/**
 * `rate(N unit)`: a fixed interval of absolute time. The fire instants are
 * `anchor + k × interval` for k ≥ 0, where the anchor is the evaluation's `start` (the
 * schedule's creation, say). Wall clocks and daylight saving play no part: `rate(1 day)` is
 * every 24 hours, and both directions are closed forms, so a month of downtime costs nothing.
 */
import { InvalidScheduleError } from "../errors.js";
import { DAY, HOUR, MINUTE, SECOND } from "./calendar.js";
import { RATE_UNITS, type RateSchedule, type RateUnit } from "./types.js";

const UNIT_MS: Record<RateUnit, number> = {
  second: SECOND,
  minute: MINUTE,
  hour: HOUR,
  day: DAY,
};

const FORM = "rate(VALUE UNIT) with UNIT one of second(s), minute(s), hour(s), day(s)";
/** No rate longer than about a million years: keeps every product below 2^53. */
const MAX_VALUE = 1_000_000_000;

/**
 * Parses the inside of `rate(...)`, e.g. `5 minutes`.
 *
 * @example
 * parseRate("5 minutes", "rate(5 minutes)", "UTC").intervalMs; // 300000
 */
export function parseRate(body: string, expression: string, timezone: string): RateSchedule {
  const words = body.trim().split(/\s+/);
  const abbreviated = spelledOut(body);
  if (abbreviated !== undefined) {
    throw new InvalidScheduleError(
      `rate "${body.trim()}" needs its unit spelled out: write ${abbreviated}; expected ${FORM}`,
      { expression, field: "rate unit" },
    );
  }
  if (words.length !== 2 || words[0] === "") {
    throw new InvalidScheduleError(
      `rate "${body.trim()}" must be a value and a unit, e.g. rate(5 minutes); expected ${FORM}`,
      { expression, field: "rate" },
    );
  }
  const [valueText = "", unitText = ""] = words;
  if (!/^\d+$/.test(valueText) || Number(valueText) < 1 || Number(valueText) > MAX_VALUE) {
    throw new InvalidScheduleError(
      `rate value "${valueText}" must be a whole number ≥ 1, e.g. rate(5 minutes)`,
      { expression, field: "rate value" },
    );
  }
  const unit = unitText.toLowerCase().replace(/s$/, "");
  if (!Object.hasOwn(RATE_UNITS, unit)) {
    throw new InvalidScheduleError(
      `rate unit "${unitText}" is not known; allowed: second(s), minute(s), hour(s), day(s)`,
      { expression, field: "rate unit" },
    );
  }
  const rateUnit = unit as RateUnit;
  const value = Number(valueText);
  return {
    kind: "rate",
    expression,
    timezone,
    value,
    unit: rateUnit,
    intervalMs: value * UNIT_MS[rateUnit],
  };
}

/** The first fire instant strictly after `afterMs`, anchored at `anchorMs`. */
export function nextRateRun(schedule: RateSchedule, afterMs: number, anchorMs: number): number {
  if (anchorMs > afterMs) return anchorMs;
  const k = Math.floor((afterMs - anchorMs) / schedule.intervalMs) + 1;
  return anchorMs + k * schedule.intervalMs;
}

/** The latest fire instant at or before `atOrBeforeMs`, or undefined before the anchor. */
export function previousRateRun(
  schedule: RateSchedule,
  atOrBeforeMs: number,
  anchorMs: number,
): number | undefined {
  if (atOrBeforeMs < anchorMs) return undefined;
  const k = Math.floor((atOrBeforeMs - anchorMs) / schedule.intervalMs);
  return anchorMs + k * schedule.intervalMs;
}

/** Abbreviations people write for the rate units (as in durations: `30s`, `5m`, `1h`, `2d`). */
const ABBREVIATIONS: Readonly<Record<string, RateUnit>> = {
  s: "second",
  sec: "second",
  secs: "second",
  m: "minute",
  min: "minute",
  mins: "minute",
  h: "hour",
  hr: "hour",
  hrs: "hour",
  d: "day",
};

/** `rate(1 hour)` for a body like `1h` or `5 min`; undefined when the body is not one. */
function spelledOut(body: string): string | undefined {
  const match = /^\s*(\d+)\s*([A-Za-z]+)\s*$/.exec(body);
  const unit = ABBREVIATIONS[match?.[2]?.toLowerCase() ?? ""];
  if (match === null || unit === undefined) return undefined;
  const value = Number(match[1]);
  return `rate(${value} ${unit}${value === 1 ? "" : "s"})`;
}
