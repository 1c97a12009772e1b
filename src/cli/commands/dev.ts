/**
 * `lambda-scheduler dev --jobs <module> [--db PATH] [--seed FILE]`: local mode.
 */
import { Command, Option } from "commander";
import { LINE_FORMAT } from "../../local/output.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { loadEmbedded } from "../embedded-store.js";
import { addJobsOption, type JobsOptionValues } from "../jobs-option.js";
import { parsePort } from "../option-values.js";
import { DEFAULT_DB, STORE_ENV } from "../store-option.js";
import { usageError } from "../usage.js";

/** The dashboard's port for `--ui` without one (as `lambda-scheduler ui`). */
const DEFAULT_UI_PORT = 8787;

interface DevOptionValues extends JobsOptionValues {
  readonly db?: string;
  readonly seed?: string;
  /** `true` for `--ui` alone (the default port), else the port. */
  readonly ui?: true | number;
}

/**
 * The `dev` command: runs the tick and invoke cores in this process on the embedded SQLite
 * file (the one the other commands use without `--table`), with the jobs of `--jobs`, until
 * Ctrl-C (SIGINT) or SIGTERM, which let runs in progress finish.
 *
 * @example
 * program.addCommand(devCommand());
 */
export function devCommand(): Command {
  const command = new Command("dev").description(
    "run schedules on this machine: the same tick and invoke code, on a SQLite file",
  );
  addJobsOption(command, "jobs module (.ts or .js) that defines the jobs (required)");
  command
    .addOption(
      new Option("--db <path>", `SQLite file of schedules (default: ${DEFAULT_DB})`).env(
        STORE_ENV.db,
      ),
    )
    .addOption(new Option("--seed <file>", "JSON-lines schedules to create when the file has none"))
    .addOption(
      new Option(
        "--ui [port]",
        `also serve the web dashboard on 127.0.0.1 (default port ${DEFAULT_UI_PORT}; 0: any free port)`,
      ).argParser(parsePort),
    );
  addJsonOption(command);
  addExamples(command, [
    "dev --jobs src/jobs/index.ts",
    "dev --jobs src/jobs/index.ts --json | jq 'select(.type == \"run\")'",
    "dev --jobs examples/index.ts --seed examples/schedules.jsonl",
    "dev --jobs src/jobs/index.ts --ui",
  ]);
  return command.action(async (options: DevOptionValues, self: Command) => {
    if (options.jobs === undefined || options.jobs === "") {
      usageError(
        self,
        "dev needs the module that defines the jobs: --jobs MODULE (or LAMBDA_SCHEDULER_JOBS)",
      );
    }
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    process.once("SIGINT", abort);
    process.once("SIGTERM", abort);
    try {
      // Loaded here, not at the top: local mode pulls in the SDK clients and esbuild, which
      // every other command would otherwise pay for at start-up.
      const { runDev } = await loadEmbedded(() => import("../../local/dev.js"));
      const out = outputOf(self);
      await runDev({
        jobs: options.jobs,
        // With --json, standard output is one JSON object a line (runs and logs); progress
        // lines go to standard error, as every command's notes do.
        ...(out.json ? { format: LINE_FORMAT.json, note: out.note } : {}),
        db: options.db === undefined || options.db === "" ? DEFAULT_DB : options.db,
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        ...(options.ui === undefined
          ? {}
          : {
              ui:
                options.ui === true
                  ? { port: DEFAULT_UI_PORT, orAnyFreePort: true }
                  : { port: options.ui },
            }),
        signal: controller.signal,
      });
    } finally {
      process.off("SIGINT", abort);
      process.off("SIGTERM", abort);
    }
  });
}
