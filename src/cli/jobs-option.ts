/**
 * `--jobs MODULE`: the user's jobs, loaded into this process so that schedules are checked
 * against them (job exists, payload fits its schema) and, on the embedded store, run here.
 */
import { type Command, Option } from "commander";
import { registryJobs } from "../registry/registry.js";
import type { JobLookup } from "../registry/types.js";

/** The environment variable that names the jobs module, as for the build. */
const JOBS_ENV = "LAMBDA_SCHEDULER_JOBS";

/** Parsed value of the `--jobs` option. */
export interface JobsOptionValues {
  readonly jobs?: string;
}

/** Adds `--jobs MODULE` with `description` saying what it is for on this command. */
export function addJobsOption(command: Command, description: string): Command {
  return command.addOption(new Option("--jobs <module>", description).env(JOBS_ENV));
}

/**
 * Loads the `--jobs` module when given and returns the jobs to check schedules against;
 * `undefined` when no module was given (any job name is then accepted).
 */
export async function loadJobsOption(command: Command): Promise<JobLookup | undefined> {
  const { jobs } = command.opts<JobsOptionValues>();
  if (jobs === undefined || jobs === "") return undefined;
  // Loaded on use: it brings esbuild, which most commands never need.
  const { loadJobs } = await import("../local/load-jobs.js");
  await loadJobs(jobs);
  return registryJobs;
}
