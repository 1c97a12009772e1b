/**
 * `lambda-scheduler jobs --jobs MODULE`: the jobs a module registers and their payloads.
 */
import { Command } from "commander";
import type { Job } from "../../registry/types.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { addJobsOption, type JobsOptionValues } from "../jobs-option.js";
import { payloadJsonSchema, summarizePayload } from "../schema-summary.js";
import { usageError } from "../usage.js";

function jobJson(job: Job): Record<string, unknown> {
  return {
    name: job.name,
    description: job.description ?? null,
    payload: summarizePayload(job.payload),
    payloadSchema: payloadJsonSchema(job.payload) ?? null,
    retry: job.retry,
    overlap: job.overlap,
    timeoutSeconds: job.timeoutSeconds ?? null,
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
    if (out.json) {
      out.data(jobs.map(jobJson));
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
  });
}
