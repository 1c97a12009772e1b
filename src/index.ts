/**
 * lambda-scheduler's public API.
 */

export type { Clock } from "./clock.js";
export { manualClock, systemClock } from "./clock.js";
export * from "./control/index.js";
export * from "./errors.js";
export {
  runTick,
  type TickDependencies,
  type TickOptions,
  type TickSummary,
} from "./handlers/tick-core.js";
export type { JsonValue } from "./json.js";
export { defineJob } from "./registry/define.js";
export { MAX_PAYLOAD_BYTES, validatePayload } from "./registry/payload.js";
export { getJob, listJobs, requireJob } from "./registry/registry.js";
export type {
  Job,
  JobContext,
  JobDefinition,
  JobHandler,
  JobLogger,
  Overlap,
  RetryPolicy,
} from "./registry/types.js";
export { OVERLAP } from "./registry/types.js";
export * from "./scheduling/index.js";
