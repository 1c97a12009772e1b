/**
 * `lambda-scheduler export [--all] [--job J]`: every schedule as JSON lines, importable.
 */
import { statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { Command } from "commander";
import { ConfigurationError } from "../../errors.js";
import { SCHEDULE_STATE } from "../../store/types.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { exportLine } from "../jsonl.js";
import { addStoreOptions, readPages, withStore } from "../store-option.js";

interface ExportOptions {
  readonly all?: boolean;
  readonly job?: string;
  readonly output?: string;
}

/**
 * The `export` command. Lines are sorted by id, so two exports of one store compare equal.
 *
 * @example
 * program.addCommand(exportCommand());
 */
export function exportCommand(): Command {
  const command = new Command("export")
    .description("write schedules as JSON lines (one per line), for import into any store")
    .option("--all", "include COMPLETED and EXPIRED schedules (import refuses them)")
    .option("--job <name>", "only schedules of this job")
    .option("-o, --output <file>", "write to this file instead of standard output");
  addStoreOptions(command);
  addJsonOption(command);
  command.addHelpText(
    "after",
    `
Each line is a JSON object with the schedule's id, job, expression, timezone, payload, its
options (startAt, endAt, maxRuns, firstRun, catchUp, maxLatenessMs, overlap, jitterMs, precise)
and state. --json prints the same objects as one JSON array.`,
  );
  addExamples(command, [
    "export > schedules.jsonl",
    "export --db .lambda-scheduler/schedules.db | lambda-scheduler import - --table schedules",
    "export --job report --output reports.jsonl",
  ]);
  return command.action(async (options: ExportOptions, self: Command) => {
    const out = outputOf(self);
    if (options.output !== undefined) checkOutputFolder(options.output);
    const { items: schedules } = await withStore(
      self,
      (store) =>
        readPages(Number.POSITIVE_INFINITY, (page) =>
          store.listSchedules({
            ...(options.job === undefined ? {} : { job: options.job }),
            ...page,
          }),
        ),
      { mustExist: true },
    );
    const kept = schedules
      .filter(
        (record) =>
          options.all === true ||
          record.state === SCHEDULE_STATE.ENABLED ||
          record.state === SCHEDULE_STATE.PAUSED,
      )
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const lines = kept.map(exportLine);
    const text = out.json
      ? `${JSON.stringify(
          lines.map((line) => JSON.parse(line) as unknown),
          null,
          2,
        )}\n`
      : lines.map((line) => `${line}\n`).join("");
    if (options.output === undefined) out.streams.stdout.write(text);
    else {
      await writeFile(options.output, text);
      out.note(`exported ${kept.length} schedule(s) to ${options.output}`);
    }
  });
}

/**
 * Refuses an output file whose folder is missing (or is not a folder) before the store is read,
 * in one line that names the folder, instead of the ENOENT stack trace `writeFile` would give.
 */
function checkOutputFolder(file: string): void {
  const folder = dirname(resolve(file));
  const found = statSync(folder, { throwIfNoEntry: false });
  if (found?.isDirectory() === true) return;
  const shown = dirname(file);
  throw new ConfigurationError(
    found === undefined
      ? `--output ${file}: folder ${shown} does not exist; create it first (mkdir -p ${shown}) or write elsewhere`
      : `--output ${file}: ${shown} is not a folder; write into a folder that exists`,
  );
}
