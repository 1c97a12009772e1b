/**
 * `lambda-scheduler import <file>`: creates the schedules of a JSON-lines file, line by line.
 */
import { readFile } from "node:fs/promises";
import { Command } from "commander";
import { pauseSchedule } from "../../control/lifecycle.js";
import { createSchedule } from "../../control/schedules.js";
import { SchedulerError, StoreError } from "../../errors.js";
import type { JobLookup } from "../../registry/types.js";
import type { ScheduleStore } from "../../store/types.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { addJobsOption, loadJobsOption } from "../jobs-option.js";
import { parseImportLine } from "../jsonl.js";
import type { Output } from "../output.js";
import { readStdin } from "../payload-option.js";
import { explained } from "../schedule-options.js";
import { addStoreOptions, withStore } from "../store-option.js";
import { EXIT_CODE } from "../usage.js";

/** What an import did. */
interface ImportSummary {
  readonly added: string[];
  readonly unchanged: string[];
  readonly refused: { readonly line: number; readonly reason: string }[];
}

async function readSource(file: string): Promise<string> {
  if (file === "-") return readStdin();
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : String(error);
    throw new SchedulerError(`cannot read ${file}: ${reason}`, { cause: error });
  }
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

/** Applies each line in turn; a refused line is recorded and the next one goes on. */
async function importLines(
  lines: readonly string[],
  store: ScheduleStore,
  jobs: JobLookup | undefined,
  progress: { tick(): void },
): Promise<ImportSummary> {
  const summary: ImportSummary = { added: [], unchanged: [], refused: [] };
  const deps = { store, ...(jobs === undefined ? {} : { jobs }) };
  for (const [index, text] of lines.entries()) {
    try {
      const line = parseImportLine(text);
      if (line !== undefined) {
        const { schedule, created } = await createSchedule(line.input, deps);
        if (created && line.paused) await pauseSchedule(schedule.id, deps);
        (created ? summary.added : summary.unchanged).push(schedule.id);
      }
    } catch (error) {
      // Only our own refusals are per line; a store failure stops the import.
      if (!(error instanceof SchedulerError) || error instanceof StoreError) throw error;
      summary.refused.push({ line: index + 1, reason: (explained(error) as Error).message });
    }
    progress.tick();
  }
  return summary;
}

/**
 * The `import` command. Schedules that exist with the same definition are "unchanged"; a line
 * that is refused (bad JSON, bad expression, payload failing its schema with `--jobs`, an id
 * taken by another schedule) is reported with its line number and does not stop the others.
 * Exits 1 when any line was refused.
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
lines starting with # are skipped. Exits 1 if any line was refused; the other lines are applied.`,
  );
  addExamples(command, [
    "import schedules.jsonl",
    "import schedules.jsonl --jobs src/jobs.ts --table schedules",
    "export --db old.db | lambda-scheduler import - --db new.db",
  ]);
  return command.action(async (file: string, _options: unknown, self: Command) => {
    const out = outputOf(self);
    const lines = (await readSource(file)).split(/\r?\n/);
    if (lines.at(-1) === "") lines.pop();
    const jobs = await loadJobsOption(self);
    const progress = await progressBar(out, lines.length);
    const summary = await withStore(self, (store) =>
      importLines(lines, store, jobs, progress),
    ).finally(() => progress.stop());
    if (summary.refused.length > 0) process.exitCode = EXIT_CODE.failed;
    if (out.json) {
      out.data(summary);
      return;
    }
    for (const { line, reason } of summary.refused) out.note(`refused: line ${line}: ${reason}`);
    out.print(
      `added ${summary.added.length}, unchanged ${summary.unchanged.length}, refused ${summary.refused.length}`,
    );
  });
}
