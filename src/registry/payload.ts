/**
 * Payload checks: a payload is JSON of bounded size, and fits its job's schema if it has one.
 * Both run when a schedule is created; the schema check runs again before the handler.
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { InvalidPayloadError, type PayloadIssue } from "../errors.js";
import type { Job } from "./types.js";

/**
 * The largest payload accepted, in bytes of its UTF-8 JSON encoding: 255 KiB. SNS and SQS refuse
 * a message over 256 KiB counting the envelope and the `job` attribute around the payload, which
 * take at most ~700 bytes with the longest ids and job names; 1 KiB of headroom keeps every
 * accepted payload deliverable.
 */
export const MAX_PAYLOAD_BYTES = 255 * 1024;

/**
 * Checks a payload against its job's Standard Schema and returns the schema's output (the
 * payload itself when the job has no schema). Throws {@link InvalidPayloadError} whose
 * `issues` carry JSON paths, e.g.
 * `payload for job "snapshot" is invalid: $.retentionDays: expected number, received string`.
 *
 * It does not check that the payload is JSON or its size: see {@link checkPayloadJson}.
 *
 * @example
 * ```ts
 * const payload = await validatePayload(requireJob("snapshot"), { volumeIds: ["vol-1"] });
 * ```
 */
export async function validatePayload(job: Job, payload: unknown): Promise<unknown> {
  if (job.payload === undefined) return payload;
  const result = await job.payload["~standard"].validate(payload);
  if (result.issues === undefined) return result.value;
  const issues = result.issues.map(
    (issue): PayloadIssue => ({ path: jsonPath(issue.path), message: issue.message }),
  );
  const listed = issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
  throw new InvalidPayloadError(`payload for job "${job.name}" is invalid: ${listed}`, {
    job: job.name,
    issues,
  });
}

/**
 * Formats a Standard Schema issue path as a JSON path: `$`, `$.volumeIds[0]`, `$["a b"]`.
 *
 * @example
 * ```ts
 * jsonPath(["volumeIds", 0]); // "$.volumeIds[0]"
 * ```
 */
export function jsonPath(
  path: readonly (PropertyKey | StandardSchemaV1.PathSegment)[] | undefined,
): string {
  let out = "$";
  for (const segment of path ?? []) {
    const key = typeof segment === "object" ? segment.key : segment;
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "symbol") out += `[${key.toString()}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

/**
 * Checks that `value` is a JSON value (null, booleans, finite numbers, strings, arrays and
 * plain objects of them) and that its UTF-8 JSON encoding is at most {@link MAX_PAYLOAD_BYTES};
 * returns the encoded size in bytes. Object properties that are `undefined` are allowed and, as
 * with `JSON.stringify`, dropped. Throws {@link InvalidPayloadError} naming the offending path,
 * or the size and the limit.
 *
 * @example
 * ```ts
 * checkPayloadJson({ volumeIds: ["vol-1"] }); // 24
 * checkPayloadJson({ at: new Date(0) }); // throws: $.at is a Date …
 * ```
 */
export function checkPayloadJson(value: unknown): number {
  const problem = findNonJson(value, "$", new Set());
  if (problem !== undefined) {
    throw new InvalidPayloadError(`payload is not JSON: ${problem.path} ${problem.message}`, {
      issues: [problem],
    });
  }
  const bytes = Buffer.byteLength(JSON.stringify(value) ?? "null", "utf8");
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new InvalidPayloadError(
      `payload is ${formatKiB(bytes)} KiB (${bytes} bytes) as JSON; the limit is ${formatKiB(MAX_PAYLOAD_BYTES)} KiB (${MAX_PAYLOAD_BYTES} bytes): store large data elsewhere (e.g. S3) and pass its key`,
      { issues: [{ path: "$", message: `${bytes} bytes exceeds ${MAX_PAYLOAD_BYTES}` }] },
    );
  }
  return bytes;
}

function formatKiB(bytes: number): string {
  return (Math.round((bytes / 1024) * 10) / 10).toString();
}

/** The first reason `value` is not JSON, or undefined. */
function findNonJson(
  value: unknown,
  path: string,
  ancestors: Set<object>,
): PayloadIssue | undefined {
  const message = describeNonJson(value, path, ancestors);
  return typeof message === "string" ? { path, message } : message;
}

/** Why `value` itself is not JSON (a string), the first problem below it, or undefined. */
function describeNonJson(
  value: unknown,
  path: string,
  ancestors: Set<object>,
): string | PayloadIssue | undefined {
  const kind = typeof value;
  switch (kind) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value as number)
        ? undefined
        : `is ${String(value)}, which JSON cannot represent`;
    case "undefined":
      return `is undefined, which JSON cannot represent (use null)`;
    case "bigint":
      return `is a bigint; JSON has no bigints (use a string or a number)`;
    case "function":
    case "symbol":
      return `is a ${kind}, which JSON cannot represent`;
    case "object":
      return findNonJsonObject(value as object | null, path, ancestors);
    default: {
      const unexpected: never = kind;
      return `has unexpected type ${String(unexpected)}`;
    }
  }
}

function findNonJsonObject(
  value: object | null,
  path: string,
  ancestors: Set<object>,
): string | PayloadIssue | undefined {
  if (value === null) return undefined;
  if (ancestors.has(value)) return `is a circular reference`;
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        const problem = findNonJson(value[index], `${path}[${index}]`, ancestors);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      const kind =
        value instanceof Date
          ? "a Date"
          : `an instance of ${prototype?.constructor?.name ?? "a class"}`;
      const hint = value instanceof Date ? " (pass an ISO string)" : " (pass a plain object)";
      return `is ${kind}, which JSON cannot represent${hint}`;
    }
    for (const [key, child] of Object.entries(value)) {
      if (child === undefined) continue;
      const childPath = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)
        ? `${path}.${key}`
        : `${path}[${JSON.stringify(key)}]`;
      const problem = findNonJson(child, childPath, ancestors);
      if (problem !== undefined) return problem;
    }
    return undefined;
  } finally {
    ancestors.delete(value);
  }
}
