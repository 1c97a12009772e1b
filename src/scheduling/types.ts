/**
 * The schedule model: a discriminated union on `kind`, one variant per expression form. Every
 * variant is plain, JSON-serialisable data (a store can persist it as is), keeps the expression
 * as given (trimmed) and the IANA time zone it is read in.
 */
import type { CronSpec } from "./cron/index.js";

/** The schedule kinds, one per expression form. */
export const SCHEDULE_KINDS = {
  rate: "rate",
  cron: "cron",
  unixCron: "unix-cron",
  at: "at",
  deadline: "deadline",
  rrule: "rrule",
} as const;
/** A schedule kind: `"rate" | "cron" | "unix-cron" | "at" | "deadline" | "rrule"`. */
export type ScheduleKind = (typeof SCHEDULE_KINDS)[keyof typeof SCHEDULE_KINDS];

/** The units of `rate(...)`, singular; the plural is accepted too. */
export const RATE_UNITS = {
  second: "second",
  minute: "minute",
  hour: "hour",
  day: "day",
} as const;
/** A `rate(...)` unit. */
export type RateUnit = (typeof RATE_UNITS)[keyof typeof RATE_UNITS];

/** What every schedule carries. */
interface ScheduleBase {
  /** The expression as given, trimmed. */
  readonly expression: string;
  /** The IANA time zone the expression is read in; `UTC` unless given. */
  readonly timezone: string;
}

/** `rate(5 minutes)`: a fixed interval of absolute time from an anchor (the run's `start`). */
export interface RateSchedule extends ScheduleBase {
  readonly kind: "rate";
  /** The whole number of units, ≥ 1. */
  readonly value: number;
  readonly unit: RateUnit;
  /** The interval in milliseconds (`1 day` is 24 hours). */
  readonly intervalMs: number;
}

/** `cron(0 12 ? * MON-FRI *)`: EventBridge's six-field cron. */
export interface AwsCronSchedule extends ScheduleBase {
  readonly kind: "cron";
  readonly spec: CronSpec;
}

/** `0 12 * * 1-5` or `@daily`: Vixie/Debian cron(5). */
export interface UnixCronSchedule extends ScheduleBase {
  readonly kind: "unix-cron";
  readonly spec: CronSpec;
}

/** A local date-time, optionally pinned to a fixed UTC offset. */
export interface LocalDateTime {
  /** `YYYY-MM-DDTHH:MM:SS`, a wall time in the schedule's time zone (or in `utcOffset`). */
  readonly localTime: string;
  /**
   * `Z` or `±HH:MM` when the expression said so: then `localTime` is read at that offset and
   * the time zone's daylight-saving rules do not apply.
   */
  readonly utcOffset?: string;
}

/** `at(2026-12-01T10:00:00)`: fires once, at that wall time. */
export interface AtSchedule extends ScheduleBase, LocalDateTime {
  readonly kind: "at";
}

/**
 * `deadline(2026-12-01T10:00:00)`: fires once, as soon as possible after its start, and never
 * after the deadline.
 */
export interface DeadlineSchedule extends ScheduleBase, LocalDateTime {
  readonly kind: "deadline";
}

/** The RFC 5545 frequencies, finest last. */
export const RRULE_FREQUENCIES = {
  YEARLY: "YEARLY",
  MONTHLY: "MONTHLY",
  WEEKLY: "WEEKLY",
  DAILY: "DAILY",
  HOURLY: "HOURLY",
  MINUTELY: "MINUTELY",
  SECONDLY: "SECONDLY",
} as const;
/** An RRULE `FREQ`. */
export type RRuleFrequency = (typeof RRULE_FREQUENCIES)[keyof typeof RRULE_FREQUENCIES];

/** The RFC 5545 weekday codes, Monday first (the index is the weekday number used inside). */
export const RRULE_WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
/** An RRULE weekday code. */
export type RRuleWeekday = (typeof RRULE_WEEKDAYS)[number];

/** One `BYDAY` entry: a weekday, optionally the nth (negative: from the end) in the period. */
export interface RRuleByDay {
  readonly weekday: RRuleWeekday;
  readonly nth?: number;
}

/** A validated `RRULE` value. Lists are ascending and free of duplicates. */
export interface RecurrenceRule {
  readonly freq: RRuleFrequency;
  readonly interval: number;
  readonly count?: number;
  /**
   * `UNTIL` as `YYYY-MM-DDTHH:MM:SS`, with a trailing `Z` when it is a UTC instant (otherwise a
   * wall time in the schedule's zone). A date-only UNTIL becomes the end of that day.
   */
  readonly until?: string;
  readonly bySecond?: readonly number[];
  readonly byMinute?: readonly number[];
  readonly byHour?: readonly number[];
  readonly byDay?: readonly RRuleByDay[];
  readonly byMonthDay?: readonly number[];
  readonly byYearDay?: readonly number[];
  readonly byWeekNo?: readonly number[];
  readonly byMonth?: readonly number[];
  readonly bySetPos?: readonly number[];
  readonly wkst: RRuleWeekday;
}

/** RFC 5545 text: `DTSTART`, `RRULE`, `RDATE` and `EXDATE` lines. */
export interface RRuleSchedule extends ScheduleBase {
  readonly kind: "rrule";
  /**
   * `DTSTART` as a wall time `YYYY-MM-DDTHH:MM:SS` in `timezone`; absent when the text has no
   * DTSTART, and then the evaluation's `start` (else `after`) is the start.
   */
  readonly dtstart?: string;
  /** The rule; absent when the text only lists `RDATE`s. */
  readonly rule?: RecurrenceRule;
  /** `RDATE` instants, ISO-8601 UTC, ascending. */
  readonly rdates: readonly string[];
  /** `EXDATE` instants, ISO-8601 UTC, ascending. */
  readonly exdates: readonly string[];
  /** `EXDATE;VALUE=DATE` days `YYYY-MM-DD`: every occurrence on that local day is excluded. */
  readonly exdateDays: readonly string[];
}

/** A parsed schedule expression; switch on `kind`. */
export type Schedule =
  | RateSchedule
  | AwsCronSchedule
  | UnixCronSchedule
  | AtSchedule
  | DeadlineSchedule
  | RRuleSchedule;

/** Fails to compile when a `switch` over a union misses a member. */
export function assertNever(value: never, what: string): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
