/**
 * `lambda-scheduler import <file>`: creates the schedules of a JSON-lines file, all or none.
 */
import { Command } from "commander";
import type { JobLookup } from "../../registry/types.js";
import type { ScheduleStore } from "../../store/types.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { applyImport, checkImport } from "../import-lines.js";
import { addJobsOption, loadJobsOption } from "../jobs-option.js";
import type { Output } from "../output.js";
import { linesOf, readSource } from "../read-source.js";
import { explained } from "../schedule-options.js";
import { addStoreOptions, withStore } from "../store-option.js";
import { EXIT_CODE } from "../usage.js";

/** What an import did. */
interface ImportSummary {
  readonly added: string[];
  readonly unchanged: string[];
  readonly refused: { readonly line: number; readonly field?: string; readonly reason: string }[];
}

/** A progress bar on standard error when it is a terminal and people read the output. */
async function progressBar(out: Output, total: number): Promise<{ tick(): void; stop(): void }> {
  if (out.json || !out.interactive || total < 2) return { tick() {}, stop() {} };
  const { SingleBar } = await import("cli-progress");
  const bar = new SingleBar({
    format: "importing [{bar}] {value}/{total} lines",
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(total, 0);
  return { tick: () => bar.increment(), stop: () => bar.stop() };
}

/** Checks every line, then applies them all, or none when any line is refused. */
async function importLines(
  lines: readonly string[],
  store: ScheduleStore,
  jobs: JobLookup | undefined,
  out: Output,
): Promise<ImportSummary> {
  const deps = { store, ...(jobs === undefined ? {} : { jobs }) };
  const check = await checkImport(lines, deps);
  if (!check.ok) {
    const refused = check.refused.map(({ line, field, error }) => ({
      line,
      ...(field === undefined ? {} : { field }),
      reason: (explained(error) as Error).message,
    }));
    return { added: [], unchanged: [], refused };
  }
  const progress = await progressBar(out, check.lines.length);
  try {
    return { ...(await applyImport(check.lines, deps, progress)), refused: [] };
  } finally {
    progress.stop();
  }
}

/**
 * The `import` command. Every line is checked before anything is written: when a line is
 * refused (bad JSON, a bad field, payload failing its schema with `--jobs`, an id taken by
 * another schedule), every refused line is reported with its number and field, nothing is
 * imported, and it exits 1. Schedules that exist with the same definition are "unchanged".
 *
 * @example
 * program.addCommand(importCommand());
 */
export function importCommand(): Command {
  const command = new Command("import")
    .description("create the schedules of a JSON-lines file (as written by export)")
    .argument("<file>", "JSON-lines file, or - for standard input");
  addJobsOption(
    command,
    "jobs module (.ts/.js): each job must exist and each payload fit its schema",
  );
  addStoreOptions(command);
  addJsonOption(command);
  command.addHelpText(
    "after",
    `
One schedule per line: {"id"?, "job", "expression", "timezone"?, "payload"?, "startAt"?, "endAt"?,
"maxRuns"?, "firstRun"?, "catchUp"?, "maxLatenessMs"?, "overlap"?, "jitterMs"?, "precise"?, "state"?}
(instants ISO-8601 with an offset, durations in ms; state ENABLED or PAUSED). Blank lines and
lines starting with # are skipped. Every line is checked first: if any is refused, each refused
line is listed, nothing is imported, and the exit code is 1.`,
  );
  addExamples(command, [
    "import schedules.jsonl",
    "import schedules.jsonl --jobs src/jobs.ts --table schedules",
    "export --db old.db | lambda-scheduler import - --db new.db",
  ]);
  return command.action(async (file: string, _options: unknown, self: Command) => {
    const out = outputOf(self);
    const lines = linesOf(await readSource(file));
    const jobs = await loadJobsOption(self);
    const summary = await withStore(self, (store) => importLines(lines, store, jobs, out));
    if (summary.refused.length > 0) process.exitCode = EXIT_CODE.failed;
    if (out.json) {
      out.data(summary);
      return;
    }
    for (const { line, field, reason } of summary.refused) {
      out.note(`refused: line ${line}${field === undefined ? "" : ` (${field})`}: ${reason}`);
    }
    if (summary.refused.length > 0)
      out.note("nothing was imported: fix the refused lines and import again");
    out.print(
      `added ${summary.added.length}, unchanged ${summary.unchanged.length}, refused ${summary.refused.length}`,
    );
  });
}
