/**
 * `defineJob`: validates a job definition, applies its defaults and registers it.
 */
import { fileURLToPath } from "node:url";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { JobDefinitionError } from "../errors.js";
import { registerJob } from "./registry.js";
import { type Job, type JobDefinition, type JobHandler, OVERLAP, type Overlap } from "./types.js";

/** What a job name must look like: it travels in message attributes and run ids. */
export const JOB_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Defaults applied to a definition's optional fields. */
const JOB_DEFAULTS = {
  attempts: 3,
  backoffSeconds: 30,
  overlap: OVERLAP.allow,
} as const;

/** Lambda stops a function after 15 minutes, so a job cannot be given longer. */
export const MAX_TIMEOUT_SECONDS = 900;
/** SQS moves a message to its dead-letter queue after at most 1000 receives. */
const MAX_ATTEMPTS = 1000;
/** SQS cannot hide a message for longer than 12 hours, which bounds a retry's delay. */
const MAX_BACKOFF_SECONDS = 43_200;

const KNOWN_FIELDS = new Set([
  "name",
  "handler",
  "payload",
  "timeoutSeconds",
  "retry",
  "overlap",
  "description",
]);
const KNOWN_RETRY_FIELDS = new Set(["attempts", "backoffSeconds"]);

/**
 * Defines a job and registers it under its name, so that importing the module that calls it
 * is what makes the job runnable. Returns the registered job with its defaults applied
 * (3 attempts, 30 s backoff, overlap `allow`).
 *
 * Throws {@link JobDefinitionError} when a field is invalid, or when another module already
 * defined a job with the same name (the message names both modules).
 *
 * @example
 * ```ts
 * import { z } from "zod";
 *
 * export const snapshot = defineJob({
 *   name: "snapshot",
 *   payload: z.object({ volumeIds: z.array(z.string()), retentionDays: z.number() }),
 *   retry: { attempts: 5, backoffSeconds: 60 },
 *   async handler(payload, ctx) {
 *     ctx.logger.info("snapshotting", { volumes: payload.volumeIds.length });
 *   },
 * });
 * ```
 */
export function defineJob<S extends StandardSchemaV1 | undefined = undefined>(
  definition: JobDefinition<S>,
): Job {
  const site = callSite();
  const job = buildJob(definition, site?.module);
  const existing = registerJob(job, site?.position);
  if (existing !== undefined) {
    const first = existing.job.definedIn ?? "an unknown module";
    const second = job.definedIn ?? "an unknown module";
    throw new JobDefinitionError(
      `job "${job.name}" is defined twice: in ${first} and in ${second}; job names must be unique, so rename one of them`,
      { job: job.name },
    );
  }
  return job;
}

function buildJob<S extends StandardSchemaV1 | undefined>(
  definition: JobDefinition<S>,
  definedIn: string | undefined,
): Job {
  if (typeof definition !== "object" || definition === null) {
    throw new JobDefinitionError("defineJob takes an object: { name, handler, … }");
  }
  const { name } = definition;
  if (typeof name !== "string" || !JOB_NAME_PATTERN.test(name)) {
    throw new JobDefinitionError(
      `job name ${JSON.stringify(name)} is invalid: use 1-128 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit`,
    );
  }
  const fail = (message: string): never => {
    throw new JobDefinitionError(`job "${name}": ${message}`, { job: name });
  };
  for (const field of Object.keys(definition)) {
    if (!KNOWN_FIELDS.has(field)) {
      fail(`unknown field "${field}"; the fields are ${[...KNOWN_FIELDS].join(", ")}`);
    }
  }
  if (typeof definition.handler !== "function") fail("handler must be a function");
  const schema: unknown = definition.payload;
  if (schema !== undefined && !isStandardSchema(schema)) {
    fail(
      'payload must be a Standard Schema (an object with "~standard".validate), e.g. a zod 4 schema',
    );
  }
  const { timeoutSeconds, description } = definition;
  if (
    timeoutSeconds !== undefined &&
    !(
      typeof timeoutSeconds === "number" &&
      timeoutSeconds > 0 &&
      timeoutSeconds <= MAX_TIMEOUT_SECONDS
    )
  ) {
    fail(
      `timeoutSeconds must be a number above 0 and at most ${MAX_TIMEOUT_SECONDS} (the Lambda limit), got ${String(timeoutSeconds)}`,
    );
  }
  const retry = definition.retry ?? {};
  if (typeof retry !== "object" || retry === null)
    fail("retry must be an object { attempts, backoffSeconds }");
  for (const field of Object.keys(retry)) {
    if (!KNOWN_RETRY_FIELDS.has(field))
      fail(`unknown retry field "${field}"; use attempts and backoffSeconds`);
  }
  const attempts = retry.attempts ?? JOB_DEFAULTS.attempts;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > MAX_ATTEMPTS) {
    fail(
      `retry.attempts must be a whole number from 1 to ${MAX_ATTEMPTS} (first delivery included), got ${String(attempts)}`,
    );
  }
  const backoffSeconds = retry.backoffSeconds ?? JOB_DEFAULTS.backoffSeconds;
  if (
    typeof backoffSeconds !== "number" ||
    !(backoffSeconds >= 0 && backoffSeconds <= MAX_BACKOFF_SECONDS)
  ) {
    fail(
      `retry.backoffSeconds must be a number from 0 to ${MAX_BACKOFF_SECONDS} (12 h, the SQS limit), got ${String(backoffSeconds)}`,
    );
  }
  const overlap: Overlap = definition.overlap ?? JOB_DEFAULTS.overlap;
  if (!Object.values(OVERLAP).includes(overlap)) {
    fail(`overlap must be "allow" or "skip", got ${JSON.stringify(overlap)}`);
  }
  if (description !== undefined && typeof description !== "string")
    fail("description must be a string");
  return Object.freeze({
    name,
    description,
    payload: schema as StandardSchemaV1 | undefined,
    // The schema ties the handler's parameter type to the payload at definition time; the
    // registry holds jobs of every payload type, and validatePayload restores the guarantee.
    handler: definition.handler as JobHandler<unknown>,
    timeoutSeconds,
    retry: Object.freeze({ attempts, backoffSeconds }),
    overlap,
    definedIn,
  });
}

function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  const props = (value as Partial<StandardSchemaV1>)["~standard"];
  return typeof props === "object" && props !== null && typeof props.validate === "function";
}

/**
 * Where `defineJob` was called from, best effort: the stack trace is the only portable source
 * (a module cannot learn its importer's `import.meta`). `position` keeps line and column so
 * that two definitions in one file still clash.
 */
function callSite(): { module: string; position: string } | undefined {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, defineJob);
  for (const line of (holder.stack ?? "").split("\n").slice(1)) {
    const match = /\(?((?:file:\/\/|\/|[A-Za-z]:\\)[^()]*?):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (match === null) continue;
    const [, location = "", row, column] = match;
    const withoutQuery = location.replace(/\?.*$/, "");
    const module = withoutQuery.startsWith("file://") ? fileURLToPath(withoutQuery) : withoutQuery;
    return { module, position: `${module}:${row}:${column}` };
  }
  return undefined;
}
