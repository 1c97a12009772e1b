/**
 * Durations on the command line (`--max-lateness 5m`, `--jitter 30s`): a number and a unit,
 * optionally several (`1h30m`), read into milliseconds.
 */
import { InvalidScheduleError } from "../errors.js";

/** Milliseconds per unit a duration may use. */
const DURATION_UNITS = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
} as const;
export type DurationUnit = keyof typeof DURATION_UNITS;

const WHOLE = /^(?:\d+(?:ms|s|m|h|d))+$/;
const PART = /(\d+)(ms|s|m|h|d)/g;

/**
 * Reads a duration such as `30s`, `5m`, `2h`, `1d`, `1h30m` or `250ms` into milliseconds.
 * A bare `0` is zero. Throws {@link InvalidScheduleError} naming the option (`flag`) otherwise.
 *
 * @example
 * parseDuration("1h30m", "--jitter"); // 5_400_000
 */
export function parseDuration(text: string, flag: string): number {
  const value = text.trim().toLowerCase();
  if (value === "0") return 0;
  if (!WHOLE.test(value)) {
    throw new InvalidScheduleError(
      `${flag} ${JSON.stringify(text)} is not a duration: give a whole number and a unit (ms, s, m, h, d), e.g. 30s, 5m, 2h, 1d or 1h30m`,
      { field: flag },
    );
  }
  let total = 0;
  for (const [, amount, unit] of value.matchAll(PART)) {
    total += Number(amount) * DURATION_UNITS[unit as DurationUnit];
  }
  if (!Number.isSafeInteger(total)) {
    throw new InvalidScheduleError(`${flag} ${JSON.stringify(text)} is too long`, { field: flag });
  }
  return total;
}

/**
 * Writes milliseconds back as the shortest duration {@link parseDuration} reads, e.g.
 * `5400000` → `1h30m`.
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0";
  let rest = ms;
  let out = "";
  for (const unit of ["d", "h", "m", "s", "ms"] as const) {
    const size = DURATION_UNITS[unit];
    const amount = Math.floor(rest / size);
    if (amount > 0) {
      out += `${amount}${unit}`;
      rest -= amount * size;
    }
  }
  return out;
}
