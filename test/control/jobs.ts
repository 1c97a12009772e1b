/**
 * Jobs for control-plane tests, built as plain records so that tests do not touch the
 * process-wide registry.
 */
import { z } from "zod";
import type { Job, JobLookup } from "../../src/registry/types.js";

/** A job record with defaults. */
export function job(name: string, payload?: Job["payload"]): Job {
  return {
    name,
    description: undefined,
    payload,
    handler: () => undefined,
    timeoutSeconds: undefined,
    retry: { attempts: 3, backoffSeconds: 30 },
    overlap: "allow",
    definedIn: undefined,
  };
}

/** `hello` with a `{ name: string }` payload, and `anything` without a schema. */
export const testJobs: JobLookup = (() => {
  const jobs = [job("hello", z.object({ name: z.string() })), job("anything")];
  return {
    get: (name) => jobs.find((j) => j.name === name),
    names: () => jobs.map((j) => j.name),
  };
})();
