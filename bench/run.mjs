// `npm run bench`: runs every bench/*.bench.mjs against the built library (dist/lib) and writes
// BENCHMARKS.md. Each module default-exports an async function returning one markdown section;
// add a section by adding a module. `node bench/run.mjs schedule` runs only the modules whose
// name contains "schedule" and prints them instead of rewriting the file.
import { readdir, writeFile } from "node:fs/promises";
import { cpus, type as osType, release, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BENCH = join(ROOT, "bench");
const filters = process.argv.slice(2);

const files = (await readdir(BENCH))
  .filter((name) => name.endsWith(".bench.mjs"))
  .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
  .sort();

const sections = [];
for (const file of files) {
  const started = performance.now();
  process.stderr.write(`bench: ${file} …\n`);
  try {
    const { default: section } = await import(pathToFileURL(join(BENCH, file)).href);
    sections.push(await section());
  } catch (error) {
    // One broken section must not lose the others' results.
    sections.push(
      `## ${file}\n\nThis section failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exitCode = 1;
  }
  process.stderr.write(
    `bench: ${file} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

const cpu = cpus();
const header = [
  "# Benchmarks",
  "",
  "Written by `npm run bench` (bench/run.mjs); numbers are from the machine below and only",
  "comparable with each other.",
  "",
  `- Date: ${new Date().toISOString().slice(0, 10)}`,
  `- Node.js: ${process.version}`,
  `- CPU: ${cpu[0]?.model.trim() ?? "unknown"} (${cpu.length} logical cores)`,
  `- Memory: ${(totalmem() / 2 ** 30).toFixed(0)} GiB; OS: ${osType()} ${release()}`,
  "",
].join("\n");
const text = `${header}\n${sections.join("\n\n")}\n`;

if (filters.length > 0) {
  process.stdout.write(text);
} else {
  await writeFile(join(ROOT, "BENCHMARKS.md"), text);
  process.stderr.write("bench: wrote BENCHMARKS.md\n");
}
