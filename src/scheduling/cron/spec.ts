/**
 * The compiled form of a cron expression: plain, JSON-serialisable data that both dialects
 * parse into and that the evaluator and the describer read. Keeping it as data (not closures)
 * lets a parsed schedule be stored, compared in tests and shipped between processes.
 */

/** The two cron dialects: EventBridge's six fields, and Vixie/Debian cron(5)'s five. */
export const CRON_DIALECTS = { aws: "aws", unix: "unix" } as const;
/** A cron dialect. */
export type CronDialect = (typeof CRON_DIALECTS)[keyof typeof CRON_DIALECTS];

/** How the day-of-month and day-of-week fields combine into "does this day match". */
export const DAY_MATCHES = {
  /** Only the day-of-month field decides (AWS with day-of-week `?`, or an unrestricted week). */
  dayOfMonth: "dayOfMonth",
  /** Only the day-of-week field decides (AWS with day-of-month `?`, or an unrestricted month). */
  dayOfWeek: "dayOfWeek",
  /** Both fields must match (cron(5) when one of them starts with `*`). */
  both: "both",
  /** Either field may match (cron(5) when both are restricted). */
  either: "either",
} as const;
/** How the two day fields combine. */
export type DayMatch = (typeof DAY_MATCHES)[keyof typeof DAY_MATCHES];

/** What a day-of-month field selects. */
export type DayOfMonthRule =
  /** Listed days, 1-31, ascending; a day past the end of a month never matches. */
  | { readonly kind: "days"; readonly days: readonly number[] }
  /** `L`: the last day of the month. */
  | { readonly kind: "last" }
  /** `LW`: the last Monday-to-Friday day of the month. */
  | { readonly kind: "lastWeekday" }
  /** `nW`: the Monday-to-Friday day nearest to day `day`, within the same month. */
  | { readonly kind: "nearestWeekday"; readonly day: number };

/** What a day-of-week field selects. Weekdays are numbered 0 (Sunday) to 6 (Saturday). */
export type DayOfWeekRule =
  /** Listed weekdays, ascending. */
  | { readonly kind: "days"; readonly days: readonly number[] }
  /** `nL`: the last such weekday of the month. */
  | { readonly kind: "last"; readonly weekday: number }
  /** `n#k`: the `nth` (1-5) such weekday of the month. */
  | { readonly kind: "nth"; readonly weekday: number; readonly nth: number };

/** The day part of a cron expression. */
export type CronDays =
  | { readonly match: typeof DAY_MATCHES.dayOfMonth; readonly dayOfMonth: DayOfMonthRule }
  | { readonly match: typeof DAY_MATCHES.dayOfWeek; readonly dayOfWeek: DayOfWeekRule }
  | {
      readonly match: Extract<DayMatch, "both" | "either">;
      readonly dayOfMonth: DayOfMonthRule;
      readonly dayOfWeek: DayOfWeekRule;
    };

/**
 * A parsed cron expression. Every list is ascending and free of duplicates. Build one with
 * `parseAwsCron` or `parseUnixCron`; evaluate it with `nextCronRun`.
 */
export interface CronSpec {
  readonly dialect: CronDialect;
  /**
   * True when neither the minute nor the hour field contains `*`: a Debian cron(8)
   * "fixed-time" job, which fires once at the end of a daylight-saving gap that skipped it and
   * only at the first occurrence of a repeated wall time.
   */
  readonly fixedTime: boolean;
  /** Minutes 0-59. */
  readonly minutes: readonly number[];
  /** Hours 0-23. */
  readonly hours: readonly number[];
  /** Months 1-12. */
  readonly months: readonly number[];
  readonly days: CronDays;
  /** Years (AWS year field), or `null` when every year matches (`*`, and every Unix cron). */
  readonly years: readonly number[] | null;
}
