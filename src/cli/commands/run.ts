/**
 * `lambda-scheduler run <id>`: runs a schedule's job once, now, leaving the schedule as it is.
 */
import { Command } from "commander";
import { systemClock } from "../../clock.js";
import { runNow } from "../../control/runs.js";
import { ScheduleNotFoundError } from "../../errors.js";
import { RUN_STATUS, type RunRecord } from "../../store/types.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { loadEmbedded } from "../embedded-store.js";
import { addJobsOption, loadJobsOption } from "../jobs-option.js";
import { addPayloadOptions, readPayloadOption } from "../payload-option.js";
import { addStoreOptions, STORE_BACKEND, storeArgs, withStore } from "../store-option.js";
import { addTransportOptions, awsDispatcher } from "../transport-option.js";
import { EXIT_CODE } from "../usage.js";
import { runJson } from "../views.js";

/** How the run was carried out. */
const RUN_MODE = {
  /** Sent to the stack's topic or queue; the invoke Lambda runs it. */
  dispatched: "dispatched",
  /** Run in this process (embedded store and --jobs). */
  ranHere: "ran-here",
  /** Queued in the embedded store's file for `dev` to run. */
  queued: "queued",
} as const;
type RunMode = (typeof RUN_MODE)[keyof typeof RUN_MODE];

const HELP = `
Where the run happens:
  --table (DynamoDB)       sent to the stack's topic (--topic-arn), or to its queue
                           (--queue-url) for a precise schedule; the invoke Lambda runs it.
  embedded, with --jobs    run here, in this process; the command waits for it to end
                           (retries included) and exits 1 if it FAILED.
  embedded, no --jobs      queued in the file; a running \`lambda-scheduler dev\` on the same
                           file runs it within seconds (or the next one that starts).`;

/**
 * The `run` command.
 *
 * @example
 * program.addCommand(runCommand());
 */
export function runCommand(): Command {
  const command = new Command("run")
    .description("run a schedule's job once, now; the schedule itself does not change")
    .argument("<id>", "schedule id");
  addPayloadOptions(command);
  addJobsOption(
    command,
    "jobs module (.ts/.js): on the embedded store, run the job in this process",
  );
  addStoreOptions(command);
  addTransportOptions(command, { errors: false });
  addJsonOption(command);
  command.addHelpText("after", HELP);
  addExamples(command, [
    "run nightly-report --jobs src/jobs.ts",
    `run hello-3f9c1a2b4d5e6f70 --payload '{"name":"test"}'`,
    "run nightly-report --table schedules --topic-arn arn:aws:sns:eu-west-1:123456789012:invocations",
  ]);
  return command.action(async (id: string, _options: unknown, self: Command) => {
    const out = outputOf(self);
    const payload = await readPayloadOption(self);
    const jobs = await loadJobsOption(self);
    const control = { ...(jobs === undefined ? {} : { jobs }) };
    const overrides = payload === undefined ? {} : { payload };
    const { mode, run } = await withStore(
      self,
      async (store, choice): Promise<{ mode: RunMode; run: RunRecord }> => {
        const schedule = await store.getSchedule(id);
        if (schedule === undefined) throw new ScheduleNotFoundError(id);
        if (choice.backend === STORE_BACKEND.dynamodb) {
          // Checked before the run is recorded: a refused command writes nothing.
          const dispatcher = await awsDispatcher(self, {
            standard: !schedule.precise,
            precise: schedule.precise,
          });
          const { run } = await runNow(id, { store, dispatcher, ...control }, overrides);
          return { mode: RUN_MODE.dispatched, run };
        }
        // Queued in the file's journal either way: if this process dies, `dev` runs it.
        const { journalDispatcher, openSqliteJournal } = await loadEmbedded(
          () => import("../../local/journal.js"),
        );
        const journal = openSqliteJournal(choice.path);
        try {
          if (jobs === undefined) {
            const dispatcher = journalDispatcher(journal, systemClock);
            const { run } = await runNow(id, { store, dispatcher, ...control }, overrides);
            return { mode: RUN_MODE.queued, run };
          }
          const { createInProcessRunner } = await import("../in-process.js");
          const runner = createInProcessRunner({
            store,
            journal,
            runLine: out.json ? out.note : out.print,
            log: out.note,
          });
          const { run } = await runNow(
            id,
            { store, dispatcher: runner.dispatcher, ...control },
            overrides,
          );
          await runner.finish();
          const ended =
            runner.runs.get(run.runId) ?? (await store.getRun(run.scheduleId, run.scheduledAt));
          return { mode: RUN_MODE.ranHere, run: ended ?? run };
        } finally {
          journal.close();
        }
      },
      { mustExist: true },
    );
    if (run.status === RUN_STATUS.FAILED) process.exitCode = EXIT_CODE.failed;
    if (out.json) {
      out.data({ status: mode, run: runJson(run) });
      return;
    }
    switch (mode) {
      case RUN_MODE.dispatched:
        out.print(
          `dispatched: run ${run.runId}; see it with: lambda-scheduler history ${id}${storeArgs(self)}`,
        );
        break;
      case RUN_MODE.queued:
        out.print(`queued: run ${run.runId}`);
        out.note(
          `queued in the database: \`lambda-scheduler dev --jobs MODULE${storeArgs(self, "db")}\` runs it; or pass --jobs MODULE to run it here`,
        );
        break;
      case RUN_MODE.ranHere:
        if (run.status === RUN_STATUS.FAILED) out.note(`run ${run.runId} FAILED`);
        break;
      default: {
        const unexpected: never = mode;
        throw new Error(`unknown run mode ${String(unexpected)}`);
      }
    }
  });
}
