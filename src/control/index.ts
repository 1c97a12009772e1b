/**
 * The control plane: what the CLI and local mode call to manage schedules. Every function takes
 * its store (and clock, and the known jobs) as arguments and validates before it writes.
 */

export {
  BACKFILL_MAX_LIMIT,
  BACKFILL_OUTCOME,
  type BackfillItem,
  type BackfillOptions,
  type BackfillOutcome,
  type BackfillResult,
  backfill,
  DEFAULT_BACKFILL_MAX,
} from "./backfill.js";
export { CANCELLABLE, type CancelResult, cancelRun } from "./cancel.js";
export type { ControlDependencies } from "./deps.js";
export {
  type Explanation,
  explain,
  WHY_REASON,
  WHY_VERDICT,
  type WhyReason,
  type WhyReasonKind,
  type WhyVerdict,
} from "./explain.js";
export {
  canonicalJson,
  deriveScheduleId,
  type Instant,
  SCHEDULE_ID_PATTERN,
  type ScheduleDefinition,
  type ScheduleInput,
  type ScheduleUpdate,
  validateDefinition,
} from "./input.js";
export { deleteSchedule, pauseSchedule, resumeSchedule } from "./lifecycle.js";
export {
  DEFAULT_REDRIVE_MAX,
  REDRIVE_OUTCOME,
  type RedriveItem,
  type RedriveOptions,
  type RedriveOutcome,
  type RedriveResult,
  redrive,
} from "./redrive.js";
export { RETRYABLE, type RetryResult, retryRun } from "./retry.js";
export { type PreviewRun, previewRuns, type RunNowResult, runNow } from "./runs.js";
export { listRunsAcross, type RunsAcrossOptions } from "./runs-across.js";
export {
  type CreateScheduleResult,
  createSchedule,
  type PreparedSchedule,
  prepareSchedule,
  updateSchedule,
} from "./schedules.js";
