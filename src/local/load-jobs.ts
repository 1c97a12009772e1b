/**
 * Loads a user's jobs module (TypeScript or JavaScript) into this process, so that its
 * `defineJob` calls register in the registry the CLI and local mode look jobs up in.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { rename } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { systemClock } from "../clock.js";
import { ConfigurationError } from "../errors.js";
import { listJobs } from "../registry/registry.js";
import type { Job } from "../registry/types.js";

/** Options of {@link loadJobs}. */
export interface LoadJobsOptions {
  /** Relative paths are resolved from here. Default: the current directory. */
  readonly cwd?: string;
  /** Where the bundle is written. Default: `<cwd>/.lambda-scheduler`. */
  readonly outDir?: string;
}

/**
 * Bundles the module at `path` with esbuild into `<cwd>/.lambda-scheduler/`, keeping every
 * package import (`lambda-scheduler` itself, `zod`, the AWS SDK…) external, then imports it.
 * Keeping packages external is what makes `import { defineJob } from "lambda-scheduler"` in the
 * user's module reach the same registry as the running CLI, and lets Node resolve them from
 * the project's node_modules. Returns every job registered afterwards.
 *
 * Throws {@link ConfigurationError} when the file does not exist or does not compile.
 *
 * @example
 * const jobs = await loadJobs("examples/index.ts");
 * console.log(jobs.map((job) => job.name)); // ["hello", "report"]
 */
export async function loadJobs(path: string, options: LoadJobsOptions = {}): Promise<Job[]> {
  const cwd = options.cwd ?? process.cwd();
  const entry = resolve(cwd, path);
  if (!existsSync(entry)) {
    throw new ConfigurationError(
      `jobs module ${path} does not exist (looked for ${entry}); pass the file that imports your jobs, e.g. --jobs src/jobs/index.ts`,
    );
  }
  // One bundle per entry, so two projects (or two entries) never overwrite each other's.
  const name = createHash("sha256").update(entry).digest("hex").slice(0, 12);
  const outfile = resolve(options.outDir ?? resolve(cwd, ".lambda-scheduler"), `jobs-${name}.mjs`);
  // Written under a name of its own, then renamed: two processes loading the same module at
  // once must never import a half-written bundle.
  const partial = `${outfile}.${process.pid}-${systemClock.now().getTime()}.mjs`;
  try {
    await build({
      entryPoints: [entry],
      outfile: partial,
      bundle: true,
      packages: "external",
      platform: "node",
      format: "esm",
      target: "node22",
      sourcemap: "inline",
      logLevel: "silent",
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ConfigurationError(`jobs module ${path} does not compile: ${detail}`, {
      cause: error,
    });
  }
  await rename(partial, outfile);
  // A query string makes a reload in the same process evaluate the new bundle; defineJob
  // treats a re-evaluated call site as a redefinition, not a clash.
  await import(`${pathToFileURL(outfile).href}?v=${systemClock.now().getTime()}`);
  return listJobs();
}
