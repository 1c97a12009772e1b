/**
 * Time-zone arithmetic shared by every schedule kind: validating IANA names, and mapping
 * between instants and local wall-clock times across daylight-saving changes.
 *
 * A "wall time" is a local date-time encoded as milliseconds since the epoch *as if it were
 * UTC* (so 2026-03-08T02:30 local is `Date.UTC(2026, 2, 8, 2, 30)`). That keeps calendar maths
 * on plain numbers and leaves offsets to the two conversions below.
 */
import { IANAZone } from "luxon";
import { InvalidScheduleError } from "../errors.js";

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A validated IANA time zone. */
export interface TimeZone {
  /** The IANA name, e.g. `Europe/Berlin`, or `UTC`. */
  readonly name: string;
  /** The UTC offset in minutes at `instantMs`. */
  offsetMinutes(instantMs: number): number;
}

const zones = new Map<string, TimeZone>();

/**
 * Returns the time zone named `name` (IANA, e.g. `America/New_York`; `UTC` is the default).
 * Throws {@link InvalidScheduleError} for an unknown name.
 */
export function loadZone(name = "UTC"): TimeZone {
  const cached = zones.get(name);
  if (cached) return cached;
  if (!IANAZone.isValidZone(name)) {
    throw new InvalidScheduleError(
      `time zone "${name}" is not a known IANA time zone name (e.g. "Europe/Berlin", "UTC")`,
      { expression: name, field: "timezone" },
    );
  }
  const zone = IANAZone.create(name);
  const fixedUtc = name === "UTC" || name === "Etc/UTC";
  const loaded: TimeZone = {
    name,
    offsetMinutes: fixedUtc ? () => 0 : (instantMs) => zone.offset(instantMs),
  };
  zones.set(name, loaded);
  return loaded;
}

/** The local wall time (see the module comment) at `instantMs` in `zone`. */
export function toWallTime(instantMs: number, zone: TimeZone): number {
  return instantMs + zone.offsetMinutes(instantMs) * MINUTE;
}

/** How a local wall time maps onto real instants. */
export type WallTimeResolution =
  /** The wall time occurs exactly once. */
  | { readonly kind: "unique"; readonly instant: number }
  /** The wall time occurs twice (clocks were set back); `first` < `second`. */
  | { readonly kind: "repeated"; readonly first: number; readonly second: number }
  /**
   * The wall time does not exist (clocks were set forward over it). `shifted` reads it with the
   * UTC offset from before the gap (RFC 5545 §3.3.5: 02:30 becomes 03:30 after a one-hour
   * gap); `gapEnd` is the first instant after the gap (the transition itself).
   */
  | { readonly kind: "gap"; readonly shifted: number; readonly gapEnd: number };

/** Maps the wall time `wallMs` in `zone` to the instants at which clocks show it. */
export function resolveWallTime(wallMs: number, zone: TimeZone): WallTimeResolution {
  // Offsets a day either side bracket any single transition near `wallMs`.
  const offsetBefore = zone.offsetMinutes(wallMs - DAY);
  const offsetAfter = zone.offsetMinutes(wallMs + DAY);
  const early = wallMs - offsetBefore * MINUTE;
  const late = wallMs - offsetAfter * MINUTE;
  const earlyValid = toWallTime(early, zone) === wallMs;
  const lateValid = toWallTime(late, zone) === wallMs;
  if (earlyValid && lateValid && early !== late) {
    return { kind: "repeated", first: Math.min(early, late), second: Math.max(early, late) };
  }
  if (earlyValid) return { kind: "unique", instant: early };
  if (lateValid) return { kind: "unique", instant: late };
  // Neither offset fits: a gap. Find the transition between the two readings.
  let low = Math.min(early, late);
  let high = Math.max(early, late);
  const lowOffset = zone.offsetMinutes(low);
  while (high - low > 1_000) {
    const mid = low + Math.floor((high - low) / 2_000) * 1_000;
    if (zone.offsetMinutes(mid) === lowOffset) low = mid;
    else high = mid;
  }
  return { kind: "gap", shifted: early, gapEnd: high };
}

/** Reads a wall time the RFC 5545 way: a gap shifts forward, a repeated time is its first. */
export function wallTimeToInstant(wallMs: number, zone: TimeZone): number {
  const resolved = resolveWallTime(wallMs, zone);
  switch (resolved.kind) {
    case "unique":
      return resolved.instant;
    case "repeated":
      return resolved.first;
    case "gap":
      return resolved.shifted;
    default: {
      const unreachable: never = resolved;
      return unreachable;
    }
  }
}
