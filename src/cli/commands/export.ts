/**
 * `lambda-scheduler export [--all] [--job J]`: every schedule as JSON lines, importable.
 */
import { statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { Command } from "commander";
import { ConfigurationError } from "../../errors.js";
import { TARGET_PLACEHOLDER, toCreateSchedule } from "../../migrate/eventbridge-export.js";
import { SCHEDULE_STATE, type ScheduleRecord } from "../../store/types.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { exportLine } from "../jsonl.js";
import { choiceOption } from "../option-values.js";
import type { Output } from "../output.js";
import { addStoreOptions, readPages, withStore } from "../store-option.js";
import { EXIT_CODE, usageError } from "../usage.js";

interface ExportOptions {
  readonly all?: boolean;
  readonly job?: string;
  readonly output?: string;
  readonly format: ExportFormat;
  readonly targetArn?: string;
  readonly roleArn?: string;
}

/** What `export` writes: our JSON lines, or EventBridge Scheduler `create-schedule` documents. */
const EXPORT_FORMAT = { jsonl: "jsonl", eventbridge: "eventbridge" } as const;
type ExportFormat = (typeof EXPORT_FORMAT)[keyof typeof EXPORT_FORMAT];

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
    .option("-o, --output <file>", "write to this file instead of standard output")
    .addOption(
      choiceOption("--format <format>", "what to write", Object.values(EXPORT_FORMAT)).default(
        EXPORT_FORMAT.jsonl,
      ),
    )
    .option("--target-arn <arn>", "with --format eventbridge: the Target.Arn of every document")
    .option("--role-arn <arn>", "with --format eventbridge: the Target.RoleArn of every document");
  addStoreOptions(command);
  addJsonOption(command);
  command.addHelpText(
    "after",
    `
Each line is a JSON object with the schedule's id, job, expression, timezone, payload, its
options (startAt, endAt, maxRuns, firstRun, catchUp, maxLatenessMs, overlap, jitterMs, precise)
and state. --json prints the same objects as one JSON array.

--format eventbridge writes one EventBridge Scheduler create-schedule document per line
(aws scheduler create-schedule --cli-input-json "$line"): Name (GroupName for ids GROUP:NAME),
expression and zone, StartDate/EndDate, State, FlexibleTimeWindow from the jitter, and a Target
whose Input is the payload. Without --target-arn/--role-arn, the target holds placeholders to
fill in. Schedules EventBridge cannot express (rrule, deadline, sub-minute rate, maxRuns, a cron
restricting both day fields) are listed on standard error, and the exit code is then 1.`,
  );
  addExamples(command, [
    "export > schedules.jsonl",
    "export --db .lambda-scheduler/schedules.db | lambda-scheduler import - --table schedules",
    "export --job report --output reports.jsonl",
    "export --format eventbridge --target-arn arn:aws:lambda:us-east-1:123456789012:function:jobs --role-arn arn:aws:iam::123456789012:role/scheduler",
  ]);
  return command.action(async (options: ExportOptions, self: Command) => {
    const out = outputOf(self);
    if (
      options.format !== EXPORT_FORMAT.eventbridge &&
      (options.targetArn !== undefined || options.roleArn !== undefined)
    ) {
      usageError(self, "--target-arn and --role-arn go with --format eventbridge only");
    }
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
    const text =
      options.format === EXPORT_FORMAT.eventbridge
        ? eventBridgeText(kept, options, out)
        : linesText(kept.map(exportLine), out.json);
    if (options.output === undefined) out.streams.stdout.write(text);
    else {
      await writeFile(options.output, text);
      out.note(`exported ${kept.length} schedule(s) to ${options.output}`);
    }
  });
}

/** JSON lines, or with `--json` one JSON array of the same objects. */
function linesText(lines: readonly string[], json: boolean): string {
  if (!json) return lines.map((line) => `${line}\n`).join("");
  return `${JSON.stringify(
    lines.map((line) => JSON.parse(line) as unknown),
    null,
    2,
  )}\n`;
}

/**
 * EventBridge documents, one JSON line each (`--json`: an array); the schedules EventBridge
 * cannot hold are listed on standard error and make the exit code 1, never dropped silently.
 */
function eventBridgeText(
  records: readonly ScheduleRecord[],
  options: ExportOptions,
  out: Output,
): string {
  const target = {
    ...(options.targetArn === undefined ? {} : { arn: options.targetArn }),
    ...(options.roleArn === undefined ? {} : { roleArn: options.roleArn }),
  };
  const exported = records.map((record) => toCreateSchedule(record, target));
  const documents = exported.flatMap((item) => (item.ok ? [item.document] : []));
  for (const item of exported) {
    if (!item.ok) out.note(`not exported: ${item.id}: ${item.reason}`);
  }
  if (documents.length < exported.length) process.exitCode = EXIT_CODE.failed;
  if (documents.length > 0 && (options.targetArn === undefined || options.roleArn === undefined)) {
    out.note(
      `fill in Target.Arn (${TARGET_PLACEHOLDER.arn}) and Target.RoleArn (${TARGET_PLACEHOLDER.roleArn}) before create-schedule, or give --target-arn and --role-arn`,
    );
  }
  return linesText(
    documents.map((document) => JSON.stringify(document)),
    out.json,
  );
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
