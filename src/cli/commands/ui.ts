/**
 * `lambda-scheduler ui [--db PATH | --table NAME] [--port 8787] [--host 127.0.0.1]`: the web
 * dashboard on the store the other commands use, until Ctrl-C.
 */
import { Command, Option } from "commander";
import { systemClock } from "../../clock.js";
import type { Dispatcher } from "../../dispatch/types.js";
import { addExamples, outputOf } from "../command.js";
import { loadEmbedded } from "../embedded-store.js";
import { addJobsOption, loadJobsOption } from "../jobs-option.js";
import { parsePort } from "../option-values.js";
import { addStoreOptions, STORE_BACKEND, storeArgs, withStore } from "../store-option.js";
import { addTransportOptions, awsDispatcher, TRANSPORT_ENV } from "../transport-option.js";

/** Hosts only this machine reaches. */
const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

interface UiOptionValues {
  readonly port: number;
  readonly host: string;
  readonly topicArn?: string;
  readonly queueUrl?: string;
}

const HELP = `
Run now, by store:
  --table (DynamoDB)       sent to the stack's topic (--topic-arn) and queue (--queue-url);
                           without them the dashboard offers no run now.
  embedded, with --jobs    run in this process.
  embedded, no --jobs      queued in the file for \`lambda-scheduler dev\` to run.

The printed address carries a random token, new each start: changes need it.`;

/**
 * The `ui` command.
 *
 * @example
 * program.addCommand(uiCommand());
 */
export function uiCommand(): Command {
  const command = new Command("ui").description(
    "serve the web dashboard: schedules, timeline, runs and failures, live",
  );
  addStoreOptions(command);
  command
    .addOption(
      new Option("--port <port>", "port to listen on (0: any free port)")
        .default(8787)
        .argParser(parsePort),
    )
    .addOption(
      new Option(
        "--host <host>",
        "address to listen on; anything but loopback exposes the dashboard to the network",
      ).default("127.0.0.1"),
    );
  addJobsOption(command, "jobs module (.ts/.js): on the embedded store, run now runs here");
  addTransportOptions(command, { errors: false });
  command.addHelpText("after", HELP);
  addExamples(command, [
    "ui",
    "ui --db .lambda-scheduler/schedules.db --jobs src/jobs.ts --port 9000",
    "ui --table schedules --topic-arn arn:aws:sns:eu-west-1:123456789012:invocations",
  ]);
  return command.action(async (options: UiOptionValues, self: Command) => {
    const out = outputOf(self);
    const jobs = await loadJobsOption(self);
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    try {
      await withStore(
        self,
        async (store, choice) => {
          const { startDashboard } = await import("../../ui/server.js");
          let dispatcher: Dispatcher | undefined;
          let runNowNote: string | undefined;
          let runNowUnavailable: string | undefined;
          let finish = async (): Promise<void> => {};
          if (choice.backend === STORE_BACKEND.dynamodb) {
            const standard = Boolean(options.topicArn);
            const precise = Boolean(options.queueUrl);
            if (standard || precise) {
              dispatcher = await awsDispatcher(self, { standard, precise });
              runNowNote = "sent to the stack; the invoke Lambda runs it";
            } else {
              runNowUnavailable = `give the stack's --topic-arn and --queue-url (${TRANSPORT_ENV.topicArn}, ${TRANSPORT_ENV.queueUrl}) to \`lambda-scheduler ui\``;
            }
          } else {
            const { journalDispatcher, openSqliteJournal } = await loadEmbedded(
              () => import("../../local/journal.js"),
            );
            const journal = openSqliteJournal(choice.path);
            if (jobs === undefined) {
              dispatcher = journalDispatcher(journal, systemClock);
              runNowNote = `queued: \`lambda-scheduler dev --jobs MODULE${storeArgs(self, "db")}\` runs it`;
              finish = async () => journal.close();
            } else {
              const { createInProcessRunner } = await import("../in-process.js");
              const runner = createInProcessRunner({
                store,
                journal,
                runLine: out.print,
                log: out.note,
              });
              dispatcher = runner.dispatcher;
              finish = async () => {
                await runner.finish();
                journal.close();
              };
            }
          }
          const label =
            choice.backend === STORE_BACKEND.dynamodb
              ? `DynamoDB table ${choice.table}`
              : `SQLite ${choice.path}`;
          try {
            const dashboard = await startDashboard({
              store,
              storeLabel: label,
              port: options.port,
              host: options.host,
              ...(dispatcher === undefined ? {} : { dispatcher }),
              ...(runNowNote === undefined ? {} : { runNowNote }),
              ...(runNowUnavailable === undefined ? {} : { runNowUnavailable }),
              onError: (error) =>
                out.note(`dashboard: ${error instanceof Error ? error.message : String(error)}`),
            });
            out.print(`dashboard: ${dashboard.url}`);
            out.note(`serving ${label}; Ctrl-C stops it`);
            if (!LOOPBACK.has(options.host)) {
              out.note(
                `listening on ${options.host}: whoever reaches it can read the schedules (changes still need the token)`,
              );
            }
            if (!controller.signal.aborted) {
              await new Promise<void>((resolve) =>
                controller.signal.addEventListener("abort", () => resolve(), { once: true }),
              );
            }
            await dashboard.close();
          } finally {
            await finish();
          }
        },
        { mustExist: true },
      );
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    }
  });
}
