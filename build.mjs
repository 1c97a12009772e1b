// Builds two things:
//
// 1. The library, one file per module, into dist/lib: the CLI and user job modules import it,
//    and per-file output is what lets them share one registry.
// 2. The Lambda bundles dist/tick.mjs and dist/invoke.mjs (template.yaml's CodeUri is dist):
//    one file each, with the user's jobs (invoke only), the library and its dependencies
//    inside. The bundling itself is the package's (src/build/bundle.ts, which
//    `lambda-scheduler build` runs for users), loaded from the library just built.
//
// Usage: node build.mjs [--jobs PATH]   (or LAMBDA_SCHEDULER_JOBS=PATH; default examples/index.ts)
//
// Importing this file builds nothing: bench/bundle.bench.mjs imports buildLambdas to measure
// variants of the bundles.
import { readdir, rm } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL(".", import.meta.url));

/** The jobs module bundled when neither `--jobs` nor LAMBDA_SCHEDULER_JOBS says otherwise. */
export const DEFAULT_JOBS = "examples/index.ts";

/**
 * The jobs module to bundle: `--jobs PATH` (or `--jobs=PATH`), else LAMBDA_SCHEDULER_JOBS,
 * else {@link DEFAULT_JOBS}; resolved from the current directory.
 */
export function jobsEntry(argv = process.argv.slice(2), env = process.env) {
  let path;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--jobs") path = argv[i + 1];
    else if (argv[i]?.startsWith("--jobs=")) path = argv[i].slice("--jobs=".length);
  }
  if (path === undefined || path === "") path = env.LAMBDA_SCHEDULER_JOBS || DEFAULT_JOBS;
  return resolve(path);
}

async function librarySources(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return (
    entries
      .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
      // The dashboard's page runs in the browser: it is bundled on its own (buildDashboard).
      .filter((e) => !e.parentPath.startsWith(DASHBOARD_SOURCE))
      .map((e) => join(e.parentPath, e.name))
  );
}

/** Builds dist/lib. */
export async function buildLibrary() {
  await build({
    entryPoints: await librarySources(join(ROOT, "src")),
    outdir: join(ROOT, "dist/lib"),
    outbase: join(ROOT, "src"),
    platform: "node",
    format: "esm",
    target: "node22",
    sourcemap: true,
    logLevel: "warning",
  });
}

/** The dashboard page's sources, bundled for the browser into dist/lib/ui/assets. */
const DASHBOARD_SOURCE = join(ROOT, "src/ui/web");

/** Builds the dashboard's page assets (needs {@link buildLibrary} first); returns their sizes. */
export async function buildDashboard() {
  const { buildDashboardAssets } = await import(
    pathToFileURL(join(ROOT, "dist/lib/build/dashboard.js")).href
  );
  return buildDashboardAssets({
    source: DASHBOARD_SOURCE,
    outdir: join(ROOT, "dist/lib/ui/assets"),
  });
}

/** The package's bundler (dist/lib/build/bundle.js); needs {@link buildLibrary} first. */
export async function bundler() {
  return import(pathToFileURL(join(ROOT, "dist/lib/build/bundle.js")).href);
}

/**
 * The package's `buildLambdas` with this repository's defaults: the jobs of {@link jobsEntry},
 * into dist/. See src/build/bundle.ts.
 *
 * @param {{ jobs?: string, outdir?: string, external?: string[] }} [options]
 */
export async function buildLambdas(options = {}) {
  const { buildLambdas: bundle } = await bundler();
  return bundle({
    jobs: options.jobs ?? jobsEntry(),
    outdir: options.outdir ?? join(ROOT, "dist"),
    external: options.external ?? [],
  });
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main() {
  const jobs = jobsEntry();
  // From scratch: a module since moved or deleted would otherwise stay in dist/lib, and ship.
  await rm(join(ROOT, "dist/lib"), { recursive: true, force: true });
  await buildLibrary();
  const assets = await buildDashboard();
  console.log("Dashboard assets:");
  for (const asset of assets) {
    console.log(
      `  ${relative(process.cwd(), asset.file)}  ${kib(asset.bytes)}  (gzip ${kib(asset.gzipBytes)})`,
    );
  }
  const bundles = await buildLambdas({ jobs });
  console.log(`Lambda bundles (jobs: ${relative(process.cwd(), jobs)}, in invoke only):`);
  for (const bundle of bundles) {
    console.log(
      `  ${relative(process.cwd(), bundle.file)}  ${kib(bundle.bytes)}  (gzip ${kib(bundle.gzipBytes)})`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main().catch((error) => {
    // esbuild has printed its own diagnostics already; ours need only their message.
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
