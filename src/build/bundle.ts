/**
 * The Lambda bundles: the tick and invoke handlers, each in one file with the library and its
 * dependencies inside, and the user's jobs in the invoke bundle only. The one implementation
 * behind `lambda-scheduler build` and this repository's build.mjs.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { type BuildOptions, type BuildResult, build } from "esbuild";
import { ConfigurationError } from "../errors.js";

/**
 * The Lambda handlers: bundle name → the library module exporting `handler`, and whether the
 * bundle needs the user's jobs. The tick never looks a job up (it claims and dispatches
 * occurrences by name; running, retrying and overlap are the invoke side's), so its bundle
 * leaves them out: the jobs' schemas and SDK clients would only lengthen a cold start that
 * recurs every minute.
 */
export const LAMBDA_HANDLERS = {
  tick: { module: "handlers/tick", jobs: false },
  invoke: { module: "handlers/invoke", jobs: true },
} as const;
export type LambdaName = keyof typeof LAMBDA_HANDLERS;

/**
 * The AWS SDK v3 as the Lambda Node.js runtime provides it; the pattern to leave it out of a
 * bundle (`external`) and load the runtime's copy instead.
 */
export const AWS_SDK_EXTERNAL: readonly string[] = ["@aws-sdk/*", "@smithy/*"];

/** Options of {@link buildLambdas}. */
export interface BuildLambdasOptions {
  /** The jobs module: the file whose imports register every job (`defineJob`). */
  readonly jobs: string;
  /** Where the bundles go; created if missing. */
  readonly outdir: string;
  /** Packages to leave out (e.g. {@link AWS_SDK_EXTERNAL}); default none. */
  readonly external?: readonly string[];
}

/** One bundle written by {@link buildLambdas}. */
export interface BundleSize {
  readonly name: LambdaName;
  /** Absolute path of `<name>.mjs`. */
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

/**
 * A module of this library by its path without extension (`handlers/tick`): the built `.js`
 * next to this file in the package, else the `.ts` source (tests run on the sources).
 */
export function libraryModule(path: string): string {
  const built = fileURLToPath(new URL(`../${path}.js`, import.meta.url));
  return existsSync(built) ? built : fileURLToPath(new URL(`../${path}.ts`, import.meta.url));
}

/**
 * Builds one Lambda bundle per handler into `outdir` (`<name>.mjs`, its source map, its legal
 * notices and `metafile-<name>.json`), and returns their sizes.
 *
 * Each bundle's entry is a small virtual module that imports the jobs module (for the handlers
 * that run jobs), then re-exports the handler. `lambda-scheduler` imported by the jobs module
 * is this very library, so the jobs register where the handler looks them up, whether or not
 * the user's project installed the package itself.
 *
 * Throws {@link ConfigurationError} when the jobs module does not exist or does not compile.
 *
 * @example
 * const sizes = await buildLambdas({ jobs: "jobs/index.ts", outdir: ".lambda-scheduler/build" });
 * for (const bundle of sizes) console.log(bundle.name, bundle.bytes);
 */
export async function buildLambdas(options: BuildLambdasOptions): Promise<BundleSize[]> {
  const jobs = resolve(options.jobs);
  const outdir = resolve(options.outdir);
  if (!existsSync(jobs)) {
    throw new ConfigurationError(
      `jobs module ${relative(process.cwd(), jobs)} does not exist: pass the module that imports your jobs, e.g. --jobs jobs/index.ts`,
    );
  }
  await mkdir(outdir, { recursive: true });
  const index = libraryModule("index");
  return Promise.all(
    Object.entries(LAMBDA_HANDLERS).map(async ([key, handler]) => {
      const name = key as LambdaName;
      const file = resolve(outdir, `${name}.mjs`);
      const entry = [
        // First, so that every defineJob call has registered before the handler's first event.
        ...(handler.jobs ? [`import ${JSON.stringify(importPath(jobs))};`] : []),
        `export { handler } from ${JSON.stringify(importPath(libraryModule(handler.module)))};`,
      ];
      const esbuildOptions = {
        stdin: {
          contents: entry.join("\n"),
          resolveDir: dirname(index),
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
        // library (and its registry) as the handler.
        alias: { "lambda-scheduler": index },
        external: [...(options.external ?? [])],
        legalComments: "linked",
        metafile: true,
        write: false,
        logLevel: "silent",
      } satisfies BuildOptions;
      let result: BuildResult<typeof esbuildOptions>;
      try {
        result = await build(esbuildOptions);
        if (needsRequire(result)) {
          // A CommonJS dependency calls require() (typically for a Node built-in): an ES module
          // has no `require`, and esbuild's stand-in throws "Dynamic require of … is not
          // supported". Give the bundle a real one. Our own dependencies need none (ESM
          // builds), so this costs nothing unless a jobs module brings such a package.
          result = await build({
            ...esbuildOptions,
            banner: {
              js: 'import{createRequire as __lsCreateRequire}from"node:module";const require=__lsCreateRequire(import.meta.url);',
            },
          });
        }
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        throw new ConfigurationError(`the ${name} bundle does not build: ${detail}`, {
          cause: error,
        });
      }
      await Promise.all(result.outputFiles.map((out) => writeFile(out.path, out.contents)));
      await writeFile(resolve(outdir, `metafile-${name}.json`), JSON.stringify(result.metafile));
      const code = await readFile(file);
      return { name, file, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
    }),
  );
}

/** Whether esbuild had to emit its `require` stand-in, which throws in an ES module. */
function needsRequire(result: { readonly outputFiles: readonly { path: string; text: string }[] }) {
  return result.outputFiles.some(
    (out) => out.path.endsWith(".mjs") && out.text.includes("Dynamic require of"),
  );
}

/** An absolute path as an import specifier esbuild resolves on every platform. */
function importPath(path: string): string {
  return resolve(path).split("\\").join("/");
}
