/**
 * Time-zone arithmetic shared by every schedule kind: validating IANA names, and mapping
 * between instants and local wall-clock times across daylight-saving changes.
 *
 * A "wall time" is a local date-time encoded as milliseconds since the epoch *as if it were
 * UTC* (so 2026-03-08T02:30 local is `Date.UTC(2026, 2, 8, 2, 30)`). That keeps calendar maths
 * on plain numbers and leaves offsets to the two conversions below.
 *
 * Asking `Intl` for an offset costs microseconds, and schedules ask for thousands, so each zone
 * keeps a table of the periods over which its offset is constant, filled a block at a time.
 */
import { IANAZone } from "luxon";
import { InvalidScheduleError } from "../errors.js";
import { DAY, MINUTE, SECOND } from "./calendar.js";

/**
 * Offsets are sampled two days apart and each change found is narrowed down to the second.
 * Sampling cannot step over a change and back as long as no offset lasts less than two days:
 * between 1970 and 2200 the shortest in the tz database are about a week (Brazil's one-week
 * DST of October 2000, Gaza's Ramadan breaks), checked over every zone with 12-hour sampling.
 */
const SAMPLE_STEP = 2 * DAY;
/**
 * The table is filled in blocks of 16 samples (32 days): a lookup far from earlier ones costs
 * about 17 `Intl` calls, and a year takes a dozen blocks.
 */
const BLOCK = 16 * SAMPLE_STEP;
/** The range of instants a `Date` can hold. */
const MAX_INSTANT = 8.64e15;

/** A validated IANA time zone. */
export interface TimeZone {
  /** The IANA name, e.g. `Europe/Berlin`, or `UTC`. */
  readonly name: string;
  /** The UTC offset in minutes at `instantMs`. */
  offsetMinutes(instantMs: number): number;
}

/** A stretch of time over which a zone's UTC offset does not change. */
export interface OffsetPeriod {
  /** First instant of the period (epoch ms): an offset change, or the start of a cached block. */
  readonly start: number;
  /** First instant after the period; the offset may (but need not) change there. */
  readonly end: number;
  /** The UTC offset in minutes throughout the period. */
  readonly offsetMinutes: number;
}

/** Constant-offset periods of one zone, computed lazily from a slow offset probe. */
interface OffsetTable {
  periodAt(instantMs: number): OffsetPeriod;
}

function createOffsetTable(probe: (instantMs: number) => number): OffsetTable {
  const blocks = new Map<number, readonly OffsetPeriod[]>();

  // Narrows a change of offset inside (low, high] down to the second; `low` is whole seconds.
  const firstChange = (low: number, high: number, before: number): number => {
    let from = low;
    let to = high;
    while (to - from > SECOND) {
      const mid = from + Math.floor((to - from) / (2 * SECOND)) * SECOND;
      if (probe(mid) === before) from = mid;
      else to = mid;
    }
    return to;
  };

  const buildBlock = (index: number): readonly OffsetPeriod[] => {
    const blockStart = index * BLOCK;
    const blockEnd = blockStart + BLOCK;
    const periods: OffsetPeriod[] = [];
    let start = blockStart;
    let offset = probe(blockStart);
    for (let low = blockStart; low < blockEnd; low += SAMPLE_STEP) {
      const high = low + SAMPLE_STEP;
      const target = probe(high);
      if (Number.isNaN(target)) throw new RangeError(`no UTC offset is known at ${high}`);
      // Several changes between two samples (e.g. a new standard offset and DST at once) are
      // found one after the other.
      let from = low;
      while (target !== offset) {
        const change = firstChange(from, high, offset);
        periods.push(Object.freeze({ start, end: change, offsetMinutes: offset }));
        start = change;
        offset = probe(change);
        from = change;
      }
    }
    periods.push(Object.freeze({ start, end: blockEnd, offsetMinutes: offset }));
    return periods;
  };

  return {
    periodAt(instantMs) {
      if (!(Math.abs(instantMs) <= MAX_INSTANT - BLOCK)) {
        throw new RangeError(`instant ${instantMs} is outside the supported range of dates`);
      }
      const index = Math.floor(instantMs / BLOCK);
      let periods = blocks.get(index);
      if (periods === undefined) {
        periods = buildBlock(index);
        blocks.set(index, periods);
      }
      for (let i = periods.length - 1; i > 0; i--) {
        const period = periods[i];
        if (period !== undefined && instantMs >= period.start) return period;
      }
      return periods[0] as OffsetPeriod;
    },
  };
}

const UTC_PERIOD: OffsetPeriod = Object.freeze({
  start: Number.NEGATIVE_INFINITY,
  end: Number.POSITIVE_INFINITY,
  offsetMinutes: 0,
});
const UTC_TABLE: OffsetTable = { periodAt: () => UTC_PERIOD };

/** A local date-time read from `Intl`: year (astronomical, 0 = 1 BC), month 1-12, day, h, m, s. */
type LocalFields = readonly [number, number, number, number, number, number];

/**
 * The offset (in minutes) of `name` at an instant, read from `Intl` the way luxon's `IANAZone`
 * does (whole seconds, so historical local-mean-time offsets keep their seconds) but through
 * `format`, several times faster than `formatToParts`, which remains the fallback should an
 * ICU version punctuate the formatted text differently.
 */
function intlProbe(name: string): (instantMs: number) => number {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone: name,
    hourCycle: "h23",
    era: "short",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  const shape = /^(\d+)\/(\d+)\/(\d+) (AD|BC), (\d+):(\d+):(\d+)$/;
  const localFields = (instantMs: number): LocalFields => {
    const text = shape.exec(format.format(instantMs));
    const parts =
      text === null
        ? Object.fromEntries(format.formatToParts(instantMs).map((part) => [part.type, part.value]))
        : {
            month: text[1],
            day: text[2],
            year: text[3],
            era: text[4],
            hour: text[5],
            minute: text[6],
            second: text[7],
          };
    const year = Number(parts.year);
    return [
      parts.era === "BC" ? 1 - year : year,
      Number(parts.month),
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    ];
  };
  const scratch = new Date(0);
  return (instantMs) => {
    const [year, month, day, hour, minute, second] = localFields(instantMs);
    scratch.setUTCFullYear(year, month - 1, day);
    scratch.setUTCHours(hour, minute, second, 0);
    const wholeSeconds = instantMs - (((instantMs % SECOND) + SECOND) % SECOND);
    return (scratch.getTime() - wholeSeconds) / MINUTE;
  };
}

const zones = new Map<string, TimeZone>();
/** Tables of zones made by {@link loadZone}, and of any other `TimeZone` asked about. */
const tables = new WeakMap<TimeZone, OffsetTable>();

function tableOf(zone: TimeZone): OffsetTable {
  let table = tables.get(zone);
  if (table === undefined) {
    table = createOffsetTable((instantMs) => zone.offsetMinutes(instantMs));
    tables.set(zone, table);
  }
  return table;
}

/**
 * A bare UTC offset: `+02:00`, `-0530`, `UTC+2`, `GMT-5`. `Intl` (and so luxon) accepts some of
 * these as zones, but an offset has no daylight-saving rules: a schedule "in +01:00" for Berlin
 * would fire an hour off all summer.
 */
const BARE_OFFSET = /^(?:(?:UTC|GMT)\s*)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;

/** The error for a bare offset, naming an IANA zone, and the `Etc/GMT` zone when one fits. */
function bareOffsetError(name: string, match: RegExpExecArray): InvalidScheduleError {
  const [, sign = "+", hoursText = "0", minutesText = "00"] = match;
  const hours = Number(hoursText);
  // Etc/GMT zones exist for whole hours from UTC-12 to UTC+14, named with the sign inverted
  // (POSIX style): UTC+02:00 is Etc/GMT-2.
  const inverted = sign === "+" ? "-" : "+";
  const etc =
    Number(minutesText) === 0 && hours <= (sign === "+" ? 14 : 12)
      ? hours === 0
        ? "UTC"
        : `Etc/GMT${inverted}${hours}`
      : undefined;
  const fixed =
    etc === undefined
      ? "no Etc/GMT zone has that offset"
      : `or "${etc}" for that fixed offset all year (Etc/GMT signs are inverted)`;
  return new InvalidScheduleError(
    `time zone "${name}" is a UTC offset, which has no daylight-saving rules: give the IANA zone of the place (e.g. "Europe/Berlin"), ${fixed}`,
    { expression: name, field: "timezone" },
  );
}

/** IANA names that `Intl` lists, by lower-case spelling; `Intl` leaves out UTC and Etc/*. */
let spellings: ReadonlyMap<string, string> | undefined;

function spellingOf(name: string): string | undefined {
  if (spellings === undefined) {
    const known = [...Intl.supportedValuesOf("timeZone"), "UTC", "Etc/UTC", "Etc/GMT", "GMT"];
    spellings = new Map(known.map((zone) => [zone.toLowerCase(), zone]));
  }
  const lower = name.toLowerCase();
  const listed = spellings.get(lower);
  if (listed !== undefined) return listed;
  const etc = /^etc\/gmt([+-]\d{1,2})$/.exec(lower);
  return etc === null ? undefined : `Etc/GMT${etc[1]}`;
}

/**
 * The IANA spelling of a zone name given in any case (`europe/berlin` → `Europe/Berlin`), so
 * that a schedule stores, shows and derives its id from one name per zone. A name `Intl` does
 * not list (an alias such as `Asia/Kolkata` on some ICU versions) is kept as written, unless it
 * is written in one case only, when `Intl`'s own name for the zone is taken. Unknown names and
 * offsets are returned as given: {@link loadZone} says what is wrong with them.
 *
 * @example
 * canonicalZoneName("america/new_york"); // "America/New_York"
 */
export function canonicalZoneName(name: string): string {
  const trimmed = name.trim();
  if (BARE_OFFSET.test(trimmed) || !IANAZone.isValidZone(trimmed)) return name;
  const listed = spellingOf(trimmed);
  if (listed !== undefined) return listed;
  const oneCase = trimmed === trimmed.toLowerCase() || trimmed === trimmed.toUpperCase();
  if (!oneCase) return trimmed;
  return new Intl.DateTimeFormat("en-US", { timeZone: trimmed }).resolvedOptions().timeZone;
}

/**
 * Returns the time zone named `name` (IANA, e.g. `America/New_York`; `UTC` is the default),
 * under its IANA spelling whatever the case it was given in ({@link canonicalZoneName}).
 * Throws {@link InvalidScheduleError} for an unknown name, and for a bare UTC offset such as
 * `+02:00` (with the zone to write instead).
 */
export function loadZone(name = "UTC"): TimeZone {
  const cached = zones.get(name);
  if (cached) return cached;
  const offset = BARE_OFFSET.exec(name.trim());
  if (offset !== null) throw bareOffsetError(name, offset);
  if (!IANAZone.isValidZone(name)) {
    throw new InvalidScheduleError(
      `time zone "${name}" is not a known IANA time zone name (e.g. "Europe/Berlin", "UTC")`,
      { expression: name, field: "timezone" },
    );
  }
  const canonical = canonicalZoneName(name);
  if (canonical !== name) {
    const loaded = loadZone(canonical);
    zones.set(name, loaded);
    return loaded;
  }
  const fixedUtc = name === "UTC" || name === "Etc/UTC";
  const table = fixedUtc ? UTC_TABLE : createOffsetTable(intlProbe(name));
  const loaded: TimeZone = {
    name,
    offsetMinutes: (instantMs) =>
      Number.isFinite(instantMs) && Math.abs(instantMs) <= MAX_INSTANT - BLOCK
        ? table.periodAt(instantMs).offsetMinutes
        : Number.NaN,
  };
  zones.set(name, loaded);
  tables.set(loaded, table);
  return loaded;
}

/**
 * The period of constant UTC offset in `zone` that contains `instantMs`. Periods are not
 * necessarily maximal: two neighbours may share an offset. Throws `RangeError` for an instant a
 * `Date` cannot hold.
 */
export function offsetPeriodAt(instantMs: number, zone: TimeZone): OffsetPeriod {
  return tableOf(zone).periodAt(instantMs);
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

/**
 * The instant of a resolved wall time, the RFC 5545 way: a gap shifts forward, a repeated time
 * is its first.
 */
export function instantOfResolution(resolved: WallTimeResolution): number {
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

/** Reads a wall time the RFC 5545 way: a gap shifts forward, a repeated time is its first. */
export function wallTimeToInstant(wallMs: number, zone: TimeZone): number {
  return instantOfResolution(resolveWallTime(wallMs, zone));
}
