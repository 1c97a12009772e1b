/**
 * The `lambda-scheduler` command line: one commander program, one module per command under
 * commands/. To add a command, write `commands/<name>.ts` exporting `<name>Command(): Command`
 * and list it in {@link COMMANDS}.
 *
 * Exit codes (usage.ts): 0 ok; 1 the command failed or its input was refused; 2 the command
 * line is wrong (unknown command or option, missing argument, bad option value); 3 (`diff`
 * only) the store differs from the file.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { SchedulerError } from "../errors.js";
import { addCommand } from "./commands/add.js";
import { applyCommand, diffCommand } from "./commands/apply.js";
import { backfillCommand } from "./commands/backfill.js";
import { buildCommand } from "./commands/build.js";
import { cancelCommand } from "./commands/cancel.js";
import { createTableCommand } from "./commands/create-table.js";
import { deployCommand } from "./commands/deploy.js";
import { devCommand } from "./commands/dev.js";
import { doctorCommand } from "./commands/doctor.js";
import { exportCommand } from "./commands/export.js";
import { historyCommand } from "./commands/history.js";
import { importCommand } from "./commands/import.js";
import { initCommand } from "./commands/init.js";
import { jobsCommand } from "./commands/jobs.js";
import { listCommand } from "./commands/list.js";
import { nextCommand } from "./commands/next.js";
import { pauseCommand, resumeCommand } from "./commands/pause.js";
import { redriveCommand } from "./commands/redrive.js";
import { removeCommand } from "./commands/remove.js";
import { retryCommand } from "./commands/retry.js";
import { runCommand } from "./commands/run.js";
import { runsCommand } from "./commands/runs.js";
import { showCommand } from "./commands/show.js";
import { tickCommand } from "./commands/tick.js";
import { uiCommand } from "./commands/ui.js";
import { updateCommand } from "./commands/update.js";
import { validateCommand } from "./commands/validate.js";
import { whyCommand } from "./commands/why.js";
import { colorEnabled, endQuietlyOnClosedPipe, type OutputStreams } from "./output.js";
import { EXIT_CODE, type ExitCode } from "./usage.js";

/** Every command, in the order `--help` lists them. */
const COMMANDS: readonly (() => Command)[] = [
  nextCommand,
  validateCommand,
  addCommand,
  updateCommand,
  removeCommand,
  pauseCommand,
  resumeCommand,
  runCommand,
  backfillCommand,
  listCommand,
  showCommand,
  historyCommand,
  runsCommand,
  retryCommand,
  cancelCommand,
  redriveCommand,
  whyCommand,
  jobsCommand,
  exportCommand,
  importCommand,
  applyCommand,
  diffCommand,
  tickCommand,
  devCommand,
  uiCommand,
  initCommand,
  buildCommand,
  deployCommand,
  createTableCommand,
  doctorCommand,
];

/** Commander's ways of saying "help or version was printed, as asked": not failures. */
const INFORMATIONAL = new Set(["commander.helpDisplayed", "commander.version"]);

function packageVersion(): string {
  try {
    const text = readFileSync(new URL("../../../package.json", import.meta.url), "utf8");
    return (JSON.parse(text) as { version?: string }).version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/** Makes a command and its subcommands throw instead of exiting, and write to `streams`. */
function configure(command: Command, streams: OutputStreams): void {
  command.exitOverride();
  command.configureOutput({
    writeOut: (text) => void streams.stdout.write(text),
    writeErr: (text) => void streams.stderr.write(text),
    getOutHasColors: () => colorEnabled(streams.stdout),
    getErrHasColors: () => colorEnabled(streams.stderr),
  });
  for (const sub of command.commands) configure(sub, streams);
}

/**
 * Builds the `lambda-scheduler` program with every command.
 *
 * @example
 * await createProgram().parseAsync(["node", "lambda-scheduler", "next", "rate(5 minutes)"]);
 */
function createProgram(
  streams: OutputStreams = { stdout: process.stdout, stderr: process.stderr },
): Command {
  const program = new Command("lambda-scheduler")
    .description(
      "schedule AWS Lambda jobs: preview, validate and manage schedules, or run them locally",
    )
    .version(packageVersion(), "-V, --version", "print the version")
    .helpCommand("help [command]", "show help for a command")
    .showSuggestionAfterError(true);
  for (const create of COMMANDS) program.addCommand(create());
  configure(program, streams);
  return program;
}

/**
 * Runs the command line and returns its exit code; errors are printed, never thrown.
 *
 * @example
 * process.exitCode = await runCli(process.argv);
 */
export async function runCli(
  argv: readonly string[] = process.argv,
  streams: OutputStreams = { stdout: process.stdout, stderr: process.stderr },
): Promise<ExitCode> {
  // Help and usage errors are written by commander, before any command makes its output.
  if (streams.stdout === process.stdout) endQuietlyOnClosedPipe();
  try {
    await createProgram(streams).parseAsync([...argv]);
    const code = process.exitCode;
    return code === EXIT_CODE.failed || code === EXIT_CODE.differs ? code : EXIT_CODE.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (INFORMATIONAL.has(error.code) || error.exitCode === EXIT_CODE.ok) return EXIT_CODE.ok;
      // Commander reports its usage errors (and help shown for a missing command) with 1.
      return EXIT_CODE.usage;
    }
    if (argv.includes("--json")) {
      // A script asked for JSON: the error is JSON too, one line on standard error.
      const name = error instanceof Error ? error.name : "Error";
      const text = error instanceof Error ? error.message : String(error);
      streams.stderr.write(`${JSON.stringify({ error: { name, message: text } })}\n`);
      return EXIT_CODE.failed;
    }
    const message =
      error instanceof SchedulerError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    streams.stderr.write(`error: ${message}\n`);
    return EXIT_CODE.failed;
  }
}
