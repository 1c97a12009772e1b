/**
 * `lambda-scheduler retry <runId>`: runs a FAILED or EXPIRED run again, as its next attempt.
 */
import { Command } from "commander";
import { systemClock } from "../../clock.js";
import { retryRun } from "../../control/retry.js";
import { parseRunId } from "../../store/types.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { loadEmbedded } from "../embedded-store.js";
import { addStoreOptions, STORE_BACKEND, storeArgs, withStore } from "../store-option.js";
import { addTransportOptions, awsDispatcher } from "../transport-option.js";
import { runJson } from "../views.js";

const HELP = `
The run keeps its id; its envelope carries the next attempt number, and it runs
the job and payload of its record as run-now does (a deadline does not stop it).
Only FAILED, EXPIRED and PENDING runs are retried; two retries of one run send it
once (the second is refused).

Where it goes:
  --table (DynamoDB)   to the stack's topic (--topic-arn), or its queue
                       (--queue-url) for a precise schedule.
  embedded             queued in the file for \`lambda-scheduler dev\`.`;

/**
 * The `retry` command.
 *
 * @example
 * program.addCommand(retryCommand());
 */
export function retryCommand(): Command {
  const command = new Command("retry")
    .description("run a FAILED or EXPIRED run again under its own run id")
    .argument("<runId>", "run id, <schedule-id>@<scheduled ISO time> (see `runs` or `history`)");
  addStoreOptions(command);
  addTransportOptions(command, { errors: false });
  addJsonOption(command);
  command.addHelpText("after", HELP);
  addExamples(command, [
    "retry nightly-report@2026-05-01T09:30:00.000Z",
    "retry nightly-report@2026-05-01T09:30:00.000Z --table schedules --topic-arn arn:aws:sns:eu-west-1:123456789012:invocations",
  ]);
  return command.action(async (runId: string, _options: unknown, self: Command) => {
    const out = outputOf(self);
    const { run, queued } = await withStore(
      self,
      async (store, choice) => {
        if (choice.backend === STORE_BACKEND.dynamodb) {
          // The transport is checked before anything is written: a refused command writes nothing.
          const key = parseRunId(runId);
          const stored =
            key === undefined ? undefined : await store.getRun(key.scheduleId, key.scheduledAt);
          const precise = stored?.precise === true;
          const dispatcher = await awsDispatcher(self, { standard: !precise, precise });
          return { ...(await retryRun({ store, dispatcher }, runId)), queued: false };
        }
        const { journalDispatcher, openSqliteJournal } = await loadEmbedded(
          () => import("../../local/journal.js"),
        );
        const journal = openSqliteJournal(choice.path);
        try {
          const dispatcher = journalDispatcher(journal, systemClock);
          return { ...(await retryRun({ store, dispatcher }, runId)), queued: true };
        } finally {
          journal.close();
        }
      },
      { mustExist: true },
    );
    if (out.json) {
      out.data({ status: queued ? "queued" : "dispatched", run: runJson(run) });
      return;
    }
    out.print(`${queued ? "queued" : "dispatched"}: run ${run.runId}, attempt ${run.attempt + 1}`);
    if (queued) {
      out.note(`a running \`lambda-scheduler dev${storeArgs(self, "db")}\` runs it`);
    } else {
      out.note(`follow it with: lambda-scheduler history ${run.scheduleId}${storeArgs(self)}`);
    }
  });
}
