/**
 * `lambda-scheduler tick`: one tick against the selected store, for cron jobs, CI and debugging.
 */
import { Command } from "commander";
import { systemClock } from "../../clock.js";
import { createConsoleLogger } from "../../local/output.js";
import type { RunRecord } from "../../store/types.js";
import type { TickSummary } from "../../tick/tick.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { loadEmbedded } from "../embedded-store.js";
import { addJobsOption, loadJobsOption } from "../jobs-option.js";
import type { Output } from "../output.js";
import { addStoreOptions, STORE_BACKEND, storeArgs, withStore } from "../store-option.js";
import { addTransportOptions, awsDispatcher, errorReporter } from "../transport-option.js";
import { EXIT_CODE } from "../usage.js";
import { runJson } from "../views.js";

const HELP = `
What the tick does with due runs:
  --table (DynamoDB)       claims them and sends them to the stack's topic (--topic-arn) and,
                           for precise schedules, its queue (--queue-url), as the tick Lambda does.
  embedded, with --jobs    claims them and runs them here, with the runs queued in the file
                           by earlier commands or a stopped \`dev\`; waits until they end.
  embedded, no --jobs      claims them and queues them in the file; \`lambda-scheduler dev\` on
                           the same file runs them.
Exits 1 when the tick itself failed to claim or send a run (later ticks retry it).`;

/** How the summary is labelled, per field. */
type Count = {
  [K in keyof TickSummary]: TickSummary[K] extends number ? K : never;
}[keyof TickSummary];
const SUMMARY_LABELS: readonly [Count, string][] = [
  ["read", "due schedules read"],
  ["claimed", "claimed"],
  ["lost", "lost to another tick"],
  ["dispatched", "dispatched"],
  ["missed", "missed"],
  ["expired", "expired"],
  ["completed", "schedules completed"],
  ["backlog", "left for the next tick"],
  ["failed", "failed"],
];

/**
 * The `tick` command.
 *
 * @example
 * program.addCommand(tickCommand());
 */
export function tickCommand(): Command {
  const command = new Command("tick").description(
    "run one tick: claim the due runs of every schedule and send (or run) them",
  );
  addJobsOption(command, "jobs module (.ts/.js): on the embedded store, run the due jobs here");
  addStoreOptions(command);
  addTransportOptions(command, { errors: true });
  addJsonOption(command);
  command.addHelpText("after", HELP);
  addExamples(command, [
    "tick --jobs src/jobs.ts",
    "tick --json",
    "tick --table schedules --topic-arn arn:aws:sns:eu-west-1:123456789012:invocations --queue-url https://sqs.eu-west-1.amazonaws.com/123456789012/invocations",
  ]);
  return command.action(async (_options: unknown, self: Command) => {
    const out = outputOf(self);
    const jobs = await loadJobsOption(self);
    const clock = systemClock;
    const logger = createConsoleLogger({ write: out.note, now: () => clock.now() });
    // Loaded here rather than at start-up: they bring the AWS SDK and the invoke core.
    const { runTick } = await import("../../tick/tick.js");
    const { LOCAL_TICK_DEFAULTS } = await import("../../local/runner.js");
    const { createInProcessRunner } = await import("../in-process.js");
    const { summary, runs, queued } = await withStore(
      self,
      async (store, choice) => {
        if (choice.backend === STORE_BACKEND.dynamodb) {
          const dispatcher = await awsDispatcher(self, { standard: true, precise: true });
          const reporter = await errorReporter(self, logger);
          const summary = await runTick({ store, dispatcher, clock, reporter, logger });
          return { summary, runs: [] as RunRecord[], queued: false };
        }
        const { createLogErrorPublisher } = await import("../../dispatch/errors-topic.js");
        const reporter = createLogErrorPublisher(logger);
        // Only the embedded store has a journal: on DynamoDB, no node:sqlite is needed.
        const { journalDispatcher, openSqliteJournal } = await loadEmbedded(
          () => import("../../local/journal.js"),
        );
        const journal = openSqliteJournal(choice.path);
        try {
          if (jobs === undefined) {
            // The runs wait in the file's queue for `dev`.
            const dispatcher = journalDispatcher(journal, clock);
            const summary = await runTick(
              { store, dispatcher, clock, reporter, logger },
              LOCAL_TICK_DEFAULTS,
            );
            return { summary, runs: [] as RunRecord[], queued: true };
          }
          const runner = createInProcessRunner({
            store,
            journal,
            runLine: out.json ? out.note : out.print,
            log: out.note,
          });
          // What earlier commands queued, or a stopped `dev` left, runs here too.
          const resumed = runner.dispatcher.loadJournal();
          if (resumed > 0) out.note(`running ${resumed} run(s) queued in ${choice.path}`);
          const summary = await runTick(
            { store, dispatcher: runner.dispatcher, clock, reporter, logger: runner.logger },
            LOCAL_TICK_DEFAULTS,
          );
          await runner.finish();
          return { summary, runs: [...runner.runs.values()], queued: false };
        } finally {
          journal.close();
        }
      },
      { mustExist: true },
    );
    if (summary.failed > 0) process.exitCode = EXIT_CODE.failed;
    report(out, summary, runs, queued ? storeArgs(self, "db") : undefined);
  });
}

function report(
  out: Output,
  summary: TickSummary,
  runs: readonly RunRecord[],
  /** The `--db` to name in the hint when the runs were queued in the file; else undefined. */
  queued: string | undefined,
): void {
  if (out.json) {
    out.data({
      summary,
      ...(queued !== undefined ? { queued: summary.dispatched } : {}),
      runs: runs.map(runJson),
    });
    return;
  }
  const shown = SUMMARY_LABELS.filter(([key]) => summary[key] > 0 || key === "claimed");
  const label = (key: Count, text: string): string =>
    queued !== undefined && key === "dispatched" ? "queued" : text;
  out.print(shown.map(([key, text]) => `${label(key, text)} ${summary[key]}`).join(", "));
  if (queued !== undefined && summary.dispatched > 0) {
    out.note(
      `the queued runs wait for \`lambda-scheduler dev --jobs MODULE${queued}\`, or \`lambda-scheduler tick --jobs MODULE${queued}\``,
    );
  }
}
