// Lambda bundle sizes: dist/tick.mjs and dist/invoke.mjs as build.mjs writes them (AWS SDK
// bundled), against the same bundles with the SDK left to the Lambda runtime's copy. Sizes
// raw and gzipped (the deployment zip compresses about as well), the largest packages inside,
// and the time a fresh Node process takes to import each bundle: the part of a cold start
// that the bundle decides.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildLambdas, bundler, DEFAULT_JOBS } from "../build.mjs";

// Inside the project, so that the SDK-external variant resolves @aws-sdk/* from node_modules
// the way the Lambda runtime resolves its own copy.
const WORK = resolve(".lambda-scheduler/bench-bundle");
const IMPORT_RUNS = 7;

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Milliseconds to import `file` in a new process (module evaluation included), median. */
function importMs(file) {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t))`;
  const times = [];
  for (let i = 0; i < IMPORT_RUNS; i++) {
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      env: { ...process.env, AWS_REGION: "us-east-1" },
    });
    if (child.status !== 0) throw new Error(`importing ${file} failed: ${child.stderr}`);
    times.push(Number(child.stdout));
  }
  return median(times);
}

/** Bytes of output per package (or `src`/`examples`), largest first. */
function largestInputs(metafilePath, count) {
  const metafile = JSON.parse(readFileSync(metafilePath, "utf8"));
  const totals = new Map();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs ?? {})) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = match ? match[1] : input.split("/")[0];
      totals.set(key, (totals.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
}

export default async function bundleBench() {
  const { AWS_SDK_EXTERNAL } = await bundler();
  rmSync(WORK, { recursive: true, force: true });
  const variants = [
    { label: "bundled (shipped)", dir: join(WORK, "bundled"), external: [] },
    { label: "external (runtime's)", dir: join(WORK, "external"), external: AWS_SDK_EXTERNAL },
  ];
  const rows = [];
  for (const variant of variants) {
    mkdirSync(variant.dir, { recursive: true });
    const bundles = await buildLambdas({ outdir: variant.dir, external: variant.external });
    for (const bundle of bundles) rows.push({ variant, bundle, ms: importMs(bundle.file) });
  }

  const lines = [
    "## Lambda bundles",
    "",
    "`npm run build` bundles each handler with esbuild (ESM, node24, minified, tree-shaken); the",
    `invoke bundle also holds the jobs of \`${DEFAULT_JOBS}\` (the tick never runs a job). The AWS`,
    "SDK v3 is bundled; the second half of the table is what the bundles would be with it left",
    "to the copy in the Lambda runtime. *Import* is the median time a fresh Node process takes to",
    `load the bundle (${IMPORT_RUNS} runs, this machine); with the SDK external that includes`,
    "loading the SDK from node_modules, as the runtime would.",
    "",
    "| bundle | AWS SDK | size | gzip | import |",
    "|---|---|---:|---:|---:|",
  ];
  for (const { variant, bundle, ms } of rows) {
    lines.push(
      `| ${bundle.name}.mjs | ${variant.label} | ${kib(bundle.bytes)} | ${kib(bundle.gzipBytes)} | ${ms.toFixed(0)} ms |`,
    );
  }
  for (const name of ["tick", "invoke"]) {
    const top = largestInputs(join(variants[0].dir, `metafile-${name}.json`), 8);
    lines.push("", `Largest parts of ${name}.mjs (minified bytes):`, "");
    lines.push(top.map(([input, bytes]) => `${input} ${kib(bytes)}`).join(" · "));
  }
  rmSync(WORK, { recursive: true, force: true });
  return lines.join("\n");
}
