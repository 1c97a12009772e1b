/**
 * `lambda-scheduler tick`: one tick against the selected store, for cron jobs, CI and debugging.
 */
import { Command } from "commander";
import { systemClock } from "../../clock.js";
import { createConsoleLogger } from "../../local/output.js";
import type { RunRecord } from "../../store/types.js";
import type { TickSummary } from "../../tick/tick.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { addJobsOption, loadJobsOption } from "../jobs-option.js";
import type { Output } from "../output.js";
import { addStoreOptions, STORE_BACKEND, withStore } from "../store-option.js";
import { addTransportOptions, awsDispatcher, errorReporter } from "../transport-option.js";
import { EXIT_CODE } from "../usage.js";
import { runJson } from "../views.js";

const HELP = `
What the tick does with due runs:
  --table (DynamoDB)       claims them and sends them to the stack's topic (--topic-arn) and,
                           for precise schedules, its queue (--queue-url), as the tick Lambda does.
  embedded, with --jobs    claims them and runs them here; waits until they end.
  embedded, no --jobs      claims them and leaves them PENDING; \`lambda-scheduler dev\` on the
                           same file runs them.
Exits 1 when the tick itself failed to claim or send a run (later ticks retry it).`;

/** How the summary is labelled, per field. */
const SUMMARY_LABELS: readonly [keyof TickSummary, string][] = [
  ["read", "due schedules read"],
  ["claimed", "claimed"],
  ["lost", "lost to another tick"],
  ["dispatched", "dispatched"],
  ["redriven", "re-driven"],
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
    const { createInProcessRunner, leavePendingDispatcher } = await import("../in-process.js");
    const { summary, runs, pending } = await withStore(
      self,
      async (store, choice) => {
        if (choice.backend === STORE_BACKEND.dynamodb) {
          const dispatcher = await awsDispatcher(self, { standard: true, precise: true });
          const reporter = await errorReporter(self, logger);
          const summary = await runTick({ store, dispatcher, clock, reporter, logger });
          return { summary, runs: [] as RunRecord[], pending: false };
        }
        const { createLogErrorPublisher } = await import("../../dispatch/errors-topic.js");
        const reporter = createLogErrorPublisher(logger);
        if (jobs === undefined) {
          const summary = await runTick(
            { store, dispatcher: leavePendingDispatcher, clock, reporter, logger },
            // Nothing to re-drive to: the runs wait in the store for `dev`.
            { ...LOCAL_TICK_DEFAULTS, maxRedrive: 0 },
          );
          return { summary, runs: [] as RunRecord[], pending: true };
        }
        const runner = createInProcessRunner({
          store,
          runLine: out.json ? out.note : out.print,
          log: out.note,
        });
        const summary = await runTick(
          { store, dispatcher: runner.dispatcher, clock, reporter, logger: runner.logger },
          // Runs a dead process left PENDING are re-driven at once, as on the first tick of `dev`.
          { ...LOCAL_TICK_DEFAULTS, redriveGraceMs: 0 },
        );
        await runner.finish();
        return { summary, runs: [...runner.runs.values()], pending: false };
      },
      { mustExist: true },
    );
    if (summary.failed > 0) process.exitCode = EXIT_CODE.failed;
    report(out, summary, runs, pending);
  });
}

function report(
  out: Output,
  summary: TickSummary,
  runs: readonly RunRecord[],
  pending: boolean,
): void {
  if (out.json) {
    out.data({
      summary,
      ...(pending ? { leftPending: summary.dispatched } : {}),
      runs: runs.map(runJson),
    });
    return;
  }
  const shown = SUMMARY_LABELS.filter(([key]) => summary[key] > 0 || key === "claimed");
  const label = (key: keyof TickSummary, text: string): string =>
    pending && key === "dispatched" ? "left PENDING" : text;
  out.print(shown.map(([key, text]) => `${label(key, text)} ${summary[key]}`).join(", "));
  if (pending && summary.dispatched > 0) {
    out.note(
      "the PENDING runs wait for `lambda-scheduler dev` on this database, or `tick --jobs MODULE`",
    );
  }
}
