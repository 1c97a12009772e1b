/**
 * Local mode: the scheduler in one process, on an embedded store, with the user's jobs loaded
 * from their module.
 */

export { type DevOptions, runDev } from "./dev.js";
export {
  createMemoryJournal,
  type JournalDeadLetter,
  journalDeadLetterQueue,
  journalDispatcher,
  openSqliteJournal,
  type SqliteJournal,
} from "./journal.js";
export { type LoadJobsOptions, loadJobs } from "./load-jobs.js";
export { createConsoleLogger, formatRunLine } from "./output.js";
export {
  LOCAL_TICK_DEFAULTS,
  LOCAL_TICK_DURATION_MS,
  type LocalScheduler,
  type LocalSchedulerOptions,
  startLocalScheduler,
} from "./runner.js";
export { type SeedResult, seedSchedules } from "./seed.js";
