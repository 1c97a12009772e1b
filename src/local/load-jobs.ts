/**
 * Loads a user's jobs module (TypeScript or JavaScript) into this process, so that its
 * `defineJob` calls register in the registry the CLI and local mode look jobs up in.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { rename } from "node:fs/promises";
import { relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import { libraryModule } from "../build/bundle.js";
import { systemClock } from "../clock.js";
import { ConfigurationError, SchedulerError } from "../errors.js";
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
 * `lambda-scheduler` imported by a jobs module is this very library, by file URL: the jobs must
 * register in the registry of the CLI that loads them, and the user's project may have no copy
 * of the package at all (a global install, `npx`, or this repository's CLI), or another one.
 */
const ownPackage: Plugin = {
  name: "lambda-scheduler-itself",
  setup(plugin) {
    plugin.onResolve({ filter: /^lambda-scheduler$/ }, () => ({
      path: pathToFileURL(libraryModule("index")).href,
      external: true,
    }));
  },
};

/** The first frame of `error`'s stack in a file of the user's (after source maps), if any. */
function userFrame(error: unknown, cwd: string): string | undefined {
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  for (const line of stack.split("\n").slice(1)) {
    const match = /\(?((?:file:\/\/)?\/[^()]*?:\d+:\d+)\)?\s*$/.exec(line.trim());
    const location = match?.[1]?.replace(/^file:\/\//, "");
    if (location === undefined || location.includes("/node_modules/")) continue;
    if (location.includes("/.lambda-scheduler/")) continue;
    return relative(cwd, location);
  }
  return undefined;
}

/**
 * Bundles the module at `path` with esbuild into `<cwd>/.lambda-scheduler/`, keeping every
 * package import (`zod`, the AWS SDK…) external, so that Node resolves them from the project's
 * node_modules, except `lambda-scheduler` itself, which is the running CLI's own copy (see
 * {@link ownPackage}); then imports it. Returns every job registered afterwards.
 *
 * Stack traces of the module's code (a duplicate `defineJob`, an error thrown while loading)
 * name the user's source files, through the bundle's source map.
 *
 * Throws {@link ConfigurationError} when the file does not exist, does not compile, or throws
 * while loading: one line with the file and the error.
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
      plugins: [ownPackage],
      logLevel: "silent",
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ConfigurationError(`jobs module ${path} does not compile: ${detail}`, {
      cause: error,
    });
  }
  await rename(partial, outfile);
  // Stack traces through the bundle then name the user's files: defineJob reads its call site
  // from one to say where a job was defined.
  process.setSourceMapsEnabled(true);
  try {
    // A query string makes a reload in the same process evaluate the new bundle; defineJob
    // treats a re-evaluated call site as a redefinition, not a clash.
    await import(`${pathToFileURL(outfile).href}?v=${systemClock.now().getTime()}`);
  } catch (error) {
    if (error instanceof SchedulerError) throw error;
    const where = userFrame(error, cwd);
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new ConfigurationError(
      `jobs module ${path} failed while loading${where === undefined ? "" : ` (at ${where})`}: ${detail.split("\n")[0]}`,
      { cause: error },
    );
  }
  return listJobs();
}
