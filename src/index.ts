/**
 * lambda-scheduler's public API.
 */
export * from "./errors.js";
export type { Clock } from "./clock.js";
export { manualClock, systemClock } from "./clock.js";
