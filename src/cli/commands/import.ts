/**
 * `lambda-scheduler import <file>`: creates the schedules of a JSON-lines file, all or none;
 * or of a crontab (`--from-crontab`), or of EventBridge Scheduler (`--from-eventbridge`).
 */
import { Command, InvalidArgumentError } from "commander";
import type { JobLookup } from "../../registry/types.js";
import type { ScheduleStore } from "../../store/types.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { checkImport } from "../import-lines.js";
import {
  type ImportOptions,
  type ImportSummary,
  importChecked,
  importMigrated,
} from "../import-migrated.js";
import { addJobsOption, loadJobsOption } from "../jobs-option.js";
import type { Output } from "../output.js";
import { linesOf, readSource } from "../read-source.js";
import { addStoreOptions, withStore } from "../store-option.js";
import { EXIT_CODE, usageError } from "../usage.js";

/** Checks every line, then applies them all, or none when any line is refused. */
async function importLines(
  lines: readonly string[],
  store: ScheduleStore,
  jobs: JobLookup | undefined,
  out: Output,
  dryRun: boolean,
): Promise<ImportSummary> {
  const deps = { store, ...(jobs === undefined ? {} : { jobs }) };
  return importChecked(await checkImport(lines, deps), deps, out, dryRun);
}

/** `--job-for ARN=JOB`, repeatable: each value checked as it is parsed (a usage error). */
function jobForValue(value: string, previous: readonly string[] = []): string[] {
  const at = value.lastIndexOf("=");
  if (at <= 0 || at === value.length - 1) {
    throw new InvalidArgumentError(
      "give TARGET_ARN=JOB, e.g. --job-for arn:aws:lambda:us-east-1:123456789012:function:report=report.",
    );
  }
  return [...previous, value];
}

/** Refuses option combinations that name no source, two sources, or another source's options. */
function checkSources(command: Command, file: string | undefined, options: ImportOptions): void {
  const sources = [
    file === undefined ? undefined : "<file>",
    options.fromCrontab === undefined ? undefined : "--from-crontab",
    options.fromEventbridge === true ? "--from-eventbridge" : undefined,
  ].filter((source) => source !== undefined);
  if (sources.length !== 1) {
    usageError(
      command,
      sources.length === 0
        ? "name what to import: a JSON-lines <file>, --from-crontab FILE --job JOB, or --from-eventbridge"
        : `${sources.join(" and ")} are two sources: import one at a time`,
    );
  }
  const only = (flag: string, given: boolean, source: string, allowed: boolean): void => {
    if (given && !allowed) usageError(command, `${flag} goes with ${source} only`);
  };
  const crontab = options.fromCrontab !== undefined;
  const eventbridge = options.fromEventbridge === true;
  if (crontab && options.job === undefined) {
    usageError(command, "--from-crontab needs --job JOB: the job every crontab line runs");
  }
  only("--job", options.job !== undefined, "--from-crontab", crontab);
  only("--tz", options.tz !== undefined, "--from-crontab", crontab);
  only("--group", options.group !== undefined, "--from-eventbridge", eventbridge);
  only("--job-for", options.jobFor !== undefined, "--from-eventbridge", eventbridge);
  only("--disable-source", options.disableSource === true, "--from-eventbridge", eventbridge);
  only(
    "--skip-refused",
    options.skipRefused === true,
    "--from-crontab or --from-eventbridge",
    !file,
  );
  if (options.disableSource === true && options.dryRun === true) {
    usageError(
      command,
      "--disable-source and --dry-run exclude each other: a dry run changes nothing",
    );
  }
}

/**
 * The `import` command. Every line is checked before anything is written: when a line is
 * refused (bad JSON, a bad field, payload failing its schema with `--jobs`, an id taken by
 * another schedule), every refused line is reported with its number and field, nothing is
 * imported, and it exits 1. Schedules that exist with the same definition are "unchanged".
 * `--from-crontab` and `--from-eventbridge` read those sources instead (see `migrate.md`).
 *
 * @example
 * program.addCommand(importCommand());
 */
export function importCommand(): Command {
  const command = new Command("import")
    .description(
      "create the schedules of a JSON-lines file (as written by export), a crontab or EventBridge Scheduler",
    )
    .argument("[file]", "JSON-lines file, or - for standard input")
    .option("--from-crontab <file>", "read a crontab (crontab -l), one schedule per entry")
    .option("--job <name>", "with --from-crontab: the job each entry runs, payload {command}")
    .option("--tz <zone>", "with --from-crontab: the zone before any CRON_TZ= (default UTC)")
    .option("--from-eventbridge", "read EventBridge Scheduler's schedules (AWS environment)")
    .option("--group <name>", "with --from-eventbridge: only this schedule group")
    .option(
      "--job-for <arn=job>",
      "with --from-eventbridge: the job of a target ARN (repeatable)",
      jobForValue,
    )
    .option("--disable-source", "with --from-eventbridge: disable the imported schedules there")
    .option("--skip-refused", "import what maps, leave the refused source schedules out")
    .option("--dry-run", "check and show what would be imported; write nothing");
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
line is listed, nothing is imported, and the exit code is 1. --from-crontab and
--from-eventbridge print a table of each source schedule: mapped, refused (why), or ignored.`,
  );
  addExamples(command, [
    "import schedules.jsonl",
    "import schedules.jsonl --jobs src/jobs.ts --table schedules",
    "export --db old.db | lambda-scheduler import - --db new.db",
    "import --from-crontab crontab.txt --job shell --tz Europe/Berlin --dry-run",
    "import --from-eventbridge --job-for arn:aws:lambda:us-east-1:123456789012:function:report=report --disable-source",
  ]);
  return command.action(async (file: string | undefined, options: ImportOptions, self: Command) => {
    checkSources(self, file, options);
    const out = outputOf(self);
    const jobs = await loadJobsOption(self);
    if (file === undefined) {
      await importMigrated(self, options, jobs, out);
      return;
    }
    const lines = linesOf(await readSource(file));
    const summary = await withStore(self, (store) =>
      importLines(lines, store, jobs, out, options.dryRun === true),
    );
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
