/**
 * The control plane: what the CLI and local mode call to manage schedules. Every function takes
 * its store (and clock, and the known jobs) as arguments and validates before it writes.
 */

export type { ControlDependencies } from "./deps.js";
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
export { type PreviewRun, previewRuns, type RunNowResult, runNow } from "./runs.js";
export {
  type CreateScheduleResult,
  createSchedule,
  type PreparedSchedule,
  prepareSchedule,
  updateSchedule,
} from "./schedules.js";
