/**
 * `lambda-scheduler build --jobs MODULE [--out DIR]`: the Lambda bundles around the user's
 * jobs, and a template.yaml that deploys them.
 */
import { relative } from "node:path";
import { Command, Option } from "commander";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { addJobsOption, type JobsOptionValues } from "../jobs-option.js";
import { usageError } from "../usage.js";

/** Where `build` writes and `deploy` reads when `--out` does not say otherwise. */
export const DEFAULT_BUILD_DIR = ".lambda-scheduler/build";

interface BuildOptionValues extends JobsOptionValues {
  readonly out: string;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/**
 * The `build` command: writes `tick.mjs` (no jobs), `invoke.mjs` (the jobs of `--jobs`), their
 * source maps and template.yaml into `--out`, and prints each bundle's size.
 *
 * @example
 * program.addCommand(buildCommand());
 */
export function buildCommand(): Command {
  const command = new Command("build").description(
    "bundle the tick and invoke Lambda functions with your jobs, and write a template.yaml to deploy",
  );
  addJobsOption(command, "jobs module (.ts or .js) that imports every job (required)");
  command.addOption(
    new Option("--out <dir>", "output folder for the bundles and template.yaml").default(
      DEFAULT_BUILD_DIR,
    ),
  );
  addJsonOption(command);
  addExamples(command, ["build --jobs jobs/index.ts", "build --jobs jobs/index.ts --out dist"]);
  return command.action(async (options: BuildOptionValues, self: Command) => {
    if (options.jobs === undefined || options.jobs === "") {
      usageError(
        self,
        "build needs the module that imports your jobs: --jobs MODULE (or LAMBDA_SCHEDULER_JOBS)",
      );
    }
    const out = outputOf(self);
    // Loaded on use: esbuild is not needed by any other command.
    const { buildLambdas } = await import("../../build/bundle.js");
    const { writeDeployTemplate } = await import("../../build/template.js");
    const bundles = await buildLambdas({ jobs: options.jobs, outdir: options.out });
    const template = await writeDeployTemplate(options.out);
    if (out.json) {
      out.data({
        template,
        bundles: bundles.map(({ name, file, bytes, gzipBytes }) => ({
          name,
          file,
          bytes,
          gzipBytes,
        })),
      });
      return;
    }
    out.table(
      ["BUNDLE", "SIZE", "GZIP", "JOBS"],
      bundles.map((bundle) => [
        relative(process.cwd(), bundle.file),
        kib(bundle.bytes),
        kib(bundle.gzipBytes),
        bundle.name === "invoke" ? (options.jobs ?? "") : "none (the tick runs no job)",
      ]),
    );
    out.print(`template: ${relative(process.cwd(), template)}`);
    out.note(
      `next: lambda-scheduler deploy${options.out === DEFAULT_BUILD_DIR ? "" : ` --out ${options.out}`}`,
    );
  });
}
