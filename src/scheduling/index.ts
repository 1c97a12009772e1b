/**
 * The schedule engine's public surface: parse an expression into a typed {@link Schedule},
 * list its fire instants, find the latest one before a moment, and describe it.
 */
export type { CronSpec } from "./cron/index.js";
export { describeSchedule } from "./describe.js";
export {
  INSTANT_RANGE,
  isOneShot,
  MAX_NEXT_RUNS,
  type NextRunOptions,
  type NextRunsOptions,
  nextRun,
  nextRuns,
} from "./next.js";
export { type ParseScheduleOptions, parseSchedule } from "./parse.js";
export { type PreviousRunOptions, previousRun } from "./previous.js";
export {
  type AtSchedule,
  type AwsCronSchedule,
  type DeadlineSchedule,
  type LocalDateTime,
  RATE_UNITS,
  type RateSchedule,
  type RateUnit,
  type RecurrenceRule,
  RRULE_FREQUENCIES,
  RRULE_WEEKDAYS,
  type RRuleByDay,
  type RRuleFrequency,
  type RRuleSchedule,
  type RRuleWeekday,
  SCHEDULE_KINDS,
  type Schedule,
  type ScheduleKind,
  type UnixCronSchedule,
} from "./types.js";
