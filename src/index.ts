/**
 * lambda-scheduler's public API.
 */

export type { Clock } from "./clock.js";
export { manualClock, systemClock } from "./clock.js";
export * from "./control/index.js";
export { createRoutingDispatcher } from "./dispatch/routing.js";
export { createSnsDispatcher } from "./dispatch/sns.js";
export { createSqsDispatcher } from "./dispatch/sqs.js";
export type { Dispatch, Dispatcher, DispatchResult, Envelope } from "./dispatch/types.js";
export * from "./errors.js";
export type { JsonValue } from "./json.js";
export { type ErrorCaptureOptions, errorCapture } from "./middleware/error-capture.js";
export {
  type InputOutputLoggingOptions,
  inputOutputLogging,
} from "./middleware/input-output-logging.js";
export {
  type SnsErrorRepublishOptions,
  snsErrorRepublish,
} from "./middleware/sns-error-republish.js";
export { defineJob } from "./registry/define.js";
export { MAX_PAYLOAD_BYTES, validatePayload } from "./registry/payload.js";
export { getJob, listJobs, registryJobs, requireJob } from "./registry/registry.js";
export type {
  Job,
  JobContext,
  JobDefinition,
  JobHandler,
  JobLogger,
  JobLookup,
  Overlap,
  RetryPolicy,
} from "./registry/types.js";
export { OVERLAP } from "./registry/types.js";
export * from "./scheduling/index.js";
export {
  createDynamoStore,
  createScheduleTable,
  type DynamoStoreOptions,
} from "./store/dynamodb/store.js";
export { createMemoryStore } from "./store/memory.js";
// The SQLite store is not exported here: job modules import this file, and node:sqlite would
// then load (with its warning) in every Lambda bundle. The CLI and local mode import it directly.
export type {
  ListRunsOptions,
  ListSchedulesOptions,
  Page,
  QueryRunsOptions,
  RunRecord,
  RunStatus,
  ScheduleRecord,
  ScheduleState,
  ScheduleStore,
} from "./store/types.js";
export {
  CATCH_UP,
  FIRST_RUN,
  INDEXED_RUN_STATUSES,
  parseRunId,
  RUN_INDEXED,
  RUN_STATUS,
  runIdOf,
  SCHEDULE_STATE,
} from "./store/types.js";
export {
  runTick,
  type TickDependencies,
  type TickOptions,
  type TickSummary,
} from "./tick/tick.js";
