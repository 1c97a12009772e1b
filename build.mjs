// Builds two things:
//
// 1. The library, one file per module, into dist/lib: the CLI and user job modules import it,
//    and per-file output is what lets them share one registry.
// 2. The Lambda bundles dist/tick.mjs and dist/invoke.mjs (template.yaml's CodeUri is dist):
//    one file each, with the user's jobs, the library and its dependencies inside.
//
// Usage: node build.mjs [--jobs PATH]   (or LAMBDA_SCHEDULER_JOBS=PATH; default examples/index.ts)
//
// Importing this file builds nothing: bench/bundle.bench.mjs imports buildLambdas to measure
// variants of the bundles.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL(".", import.meta.url));

/**
 * The Lambda handlers: bundle name → the module exporting `handler`, and whether the bundle
 * needs the user's jobs. The tick never looks a job up (it claims and dispatches occurrences by
 * name; running, retrying and overlap are the invoke side's), so its bundle leaves them out:
 * the jobs' schemas and SDK clients would only lengthen a cold start that recurs every minute.
 */
export const LAMBDA_HANDLERS = {
  tick: { source: "src/handlers/tick.ts", jobs: false },
  invoke: { source: "src/handlers/invoke.ts", jobs: true },
};

/** The jobs module bundled when neither `--jobs` nor LAMBDA_SCHEDULER_JOBS says otherwise. */
export const DEFAULT_JOBS = "examples/index.ts";

/**
 * The AWS SDK v3 as the Lambda Node.js runtime provides it; the pattern to leave it out of a
 * bundle (`external`) and load the runtime's copy instead.
 */
export const AWS_SDK_EXTERNAL = ["@aws-sdk/*", "@smithy/*"];

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
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => join(e.parentPath, e.name));
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

/**
 * Builds one Lambda bundle per handler into `outdir` (`<name>.mjs`, its source map, its legal
 * notices and `metafile-<name>.json`), and returns their sizes.
 *
 * Each bundle's entry is a small virtual module that imports the jobs module (for the handlers
 * that run jobs), then re-exports the handler.
 *
 * @param {{ jobs?: string, outdir?: string, external?: string[] }} [options]
 *   `external`: packages to leave out (e.g. {@link AWS_SDK_EXTERNAL}); default none.
 * @returns {Promise<{ name: string, file: string, bytes: number, gzipBytes: number }[]>}
 */
export async function buildLambdas(options = {}) {
  const jobs = options.jobs ?? jobsEntry();
  const outdir = resolve(options.outdir ?? join(ROOT, "dist"));
  if (!existsSync(jobs)) {
    throw new Error(
      `jobs module ${relative(process.cwd(), jobs)} does not exist: pass the module that imports your jobs with --jobs PATH or LAMBDA_SCHEDULER_JOBS=PATH`,
    );
  }
  await mkdir(outdir, { recursive: true });
  return Promise.all(
    Object.entries(LAMBDA_HANDLERS).map(async ([name, handler]) => {
      const file = join(outdir, `${name}.mjs`);
      const entry = [
        // First, so that every defineJob call has registered before the handler's first event.
        ...(handler.jobs ? [`import ${JSON.stringify(importPath(jobs))};`] : []),
        `export { handler } from ${JSON.stringify(importPath(join(ROOT, handler.source)))};`,
      ];
      const esbuildOptions = {
        stdin: {
          contents: entry.join("\n"),
          resolveDir: ROOT,
          sourcefile: `${name}-entry.ts`,
          loader: "ts",
        },
        outfile: file,
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node24",
        minify: true,
        sourcemap: true,
        // Prefer each package's ES module build where it has no `exports` map: only ESM can be
        // tree-shaken.
        mainFields: ["module", "main"],
        // A jobs module may import the package by name; it must get the same copy of the
        // library (and its registry) as the handler, not dist/lib.
        alias: { "lambda-scheduler": join(ROOT, "src/index.ts") },
        external: options.external ?? [],
        legalComments: "linked",
        metafile: true,
        write: false,
        logLevel: "warning",
      };
      let result = await build(esbuildOptions);
      if (needsRequire(result)) {
        // A CommonJS dependency calls require() (typically for a Node built-in): an ES module
        // has no `require`, and esbuild's stand-in throws "Dynamic require of … is not
        // supported". Give the bundle a real one. Our own dependencies need none (ESM builds),
        // so this costs nothing unless a jobs module brings such a package.
        result = await build({
          ...esbuildOptions,
          banner: {
            js: 'import{createRequire as __lsCreateRequire}from"node:module";const require=__lsCreateRequire(import.meta.url);',
          },
        });
      }
      await Promise.all(result.outputFiles.map((out) => writeFile(out.path, out.contents)));
      await writeFile(join(outdir, `metafile-${name}.json`), JSON.stringify(result.metafile));
      const code = await readFile(file);
      return { name, file, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
    }),
  );
}

/** Whether esbuild had to emit its `require` stand-in, which throws in an ES module. */
function needsRequire(result) {
  return result.outputFiles.some(
    (out) => out.path.endsWith(".mjs") && out.text.includes("Dynamic require of"),
  );
}

/** An absolute path as an import specifier esbuild resolves on every platform. */
function importPath(path) {
  return resolve(path).split("\\").join("/");
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main() {
  const jobs = jobsEntry();
  await buildLibrary();
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
