/**
 * The cron evaluator: AWS (EventBridge) and Unix (Vixie/Debian cron(5)) expressions parsed into
 * a {@link CronSpec}, evaluated in any IANA time zone with Debian cron(8)'s daylight-saving
 * rules, and described in English.
 */
export { parseAwsCron } from "./aws.js";
export { describeCron } from "./describe.js";
export { nextCronRun } from "./next.js";
export {
  CRON_DIALECTS,
  type CronDays,
  type CronDialect,
  type CronSpec,
  DAY_MATCHES,
  type DayMatch,
  type DayOfMonthRule,
  type DayOfWeekRule,
} from "./spec.js";
export { parseUnixCron } from "./unix.js";
