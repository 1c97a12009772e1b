/**
 * The run semantics as pure functions: where a schedule's occurrences fall and what a tick
 * writes when one is due. No I/O; time is always an argument.
 */
export { type DuePlan, PLAN_DEFAULTS, type PlanOptions, planDue, runRecord } from "./due.js";
export { jitterFor } from "./jitter.js";
export {
  dueAtOf,
  firstOccurrence,
  followingOccurrence,
  latestOccurrence,
  occurrenceOptions,
  type ScheduleTiming,
  scheduleOf,
} from "./occurrences.js";
