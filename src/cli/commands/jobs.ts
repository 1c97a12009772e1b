/**
 * `lambda-scheduler jobs --jobs MODULE`: the jobs a module registers and their payloads.
 */
import { Command } from "commander";
import type { Job } from "../../registry/types.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { addJobsOption, type JobsOptionValues } from "../jobs-option.js";
import { payloadJsonSchema, summarizePayload } from "../schema-summary.js";
import { usageError } from "../usage.js";

/** The invocations queue's maxReceiveCount that template.yaml sets unless told otherwise. */
export const DEFAULT_MAX_RECEIVE_COUNT = 10;

/**
 * The queue's receive limit the CLI checks jobs against: LAMBDA_SCHEDULER_MAX_RECEIVE_COUNT
 * (the stack's MaxReceiveCount parameter), else the template's default.
 */
export function maxReceiveCount(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.LAMBDA_SCHEDULER_MAX_RECEIVE_COUNT);
  return Number.isInteger(value) && value >= 1 ? value : DEFAULT_MAX_RECEIVE_COUNT;
}

/**
 * The warning for a job whose retry attempts exceed the queue's receive limit, or undefined:
 * its run fails for good on the last receive, with attempts left unused.
 *
 * @example
 * ```ts
 * receiveLimitWarning(job, 10); // 'job "flaky" retries 12 attempts but …'
 * ```
 */
export function receiveLimitWarning(job: Job, limit: number): string | undefined {
  if (job.retry.attempts <= limit) return undefined;
  return `job "${job.name}" allows ${job.retry.attempts} attempts but the invocations queue dead-letters a message after ${limit} receives (MaxReceiveCount; LAMBDA_SCHEDULER_MAX_RECEIVE_COUNT): its runs fail for good after ${limit} attempts; raise MaxReceiveCount or lower retry.attempts`;
}

function jobJson(job: Job, limit: number): Record<string, unknown> {
  const warning = receiveLimitWarning(job, limit);
  return {
    name: job.name,
    description: job.description ?? null,
    payload: summarizePayload(job.payload),
    payloadSchema: payloadJsonSchema(job.payload) ?? null,
    retry: job.retry,
    overlap: job.overlap,
    timeoutSeconds: job.timeoutSeconds ?? null,
    ...(warning === undefined ? {} : { warning }),
  };
}

/**
 * The `jobs` command.
 *
 * @example
 * program.addCommand(jobsCommand());
 */
export function jobsCommand(): Command {
  const command = new Command("jobs").description(
    "list the jobs a module defines, with a summary of each payload schema",
  );
  addJobsOption(command, "jobs module (.ts or .js) that defines the jobs (required)");
  addJsonOption(command);
  addExamples(command, ["jobs --jobs src/jobs/index.ts", "jobs --jobs dist/jobs.js --json"]);
  return command.action(async (options: JobsOptionValues, self: Command) => {
    if (options.jobs === undefined || options.jobs === "") {
      usageError(
        self,
        "jobs needs the module that defines them: --jobs MODULE (or LAMBDA_SCHEDULER_JOBS)",
      );
    }
    const out = outputOf(self);
    const { loadJobs } = await import("../../local/load-jobs.js");
    const jobs = await loadJobs(options.jobs);
    const limit = maxReceiveCount();
    if (out.json) {
      out.data(jobs.map((job) => jobJson(job, limit)));
      return;
    }
    if (jobs.length === 0) {
      out.note(`${options.jobs} defines no job: does it import the modules that call defineJob?`);
      return;
    }
    out.table(
      ["JOB", "PAYLOAD", "RETRY", "OVERLAP", "DESCRIPTION"],
      jobs.map((job) => [
        job.name,
        summarizePayload(job.payload),
        `${job.retry.attempts}× / ${job.retry.backoffSeconds}s`,
        job.overlap,
        job.description ?? "",
      ]),
    );
    for (const job of jobs) {
      const warning = receiveLimitWarning(job, limit);
      if (warning !== undefined) out.note(`warning: ${warning}`);
    }
  });
}
