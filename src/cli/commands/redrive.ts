/**
 * `lambda-scheduler redrive [--dry-run] [--max N]`: moves dead-lettered occurrences back to the
 * invocations queue and makes their FAILED runs startable again, so that they run.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { DEFAULT_REDRIVE_MAX, type RedriveResult, redrive } from "../../control/redrive.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { loadEmbedded } from "../embedded-store.js";
import { addStoreOptions, STORE_BACKEND, withStore } from "../store-option.js";
import { TRANSPORT_ENV } from "../transport-option.js";
import { usageError } from "../usage.js";

interface RedriveCliOptions {
  readonly dryRun?: boolean;
  readonly max: number;
  readonly queueUrl?: string;
  readonly deadLetterQueueUrl?: string;
}

const HELP = `
Each message goes back unchanged (the queue counts its receives afresh, so the
job's retry policy applies anew). Its run, if its last receive made it FAILED,
is set RETRYING first, so that the invoke side starts it; a run in any other
status is left alone (one retried since is acknowledged as a duplicate).
Messages that are not occurrence envelopes stay on the dead-letter queue.

On DynamoDB, the queue URLs are the stack's outputs InvocationsQueueUrl and
InvocationsDeadLetterQueueUrl. On the embedded store, the dead letters are the
ones \`lambda-scheduler dev\` kept in the file; a running \`dev\` on the file
takes the moved messages up within seconds.`;

function maxOption(): Option {
  return new Option("--max <n>", "messages handled at most by this call")
    .default(DEFAULT_REDRIVE_MAX)
    .argParser((text) => {
      if (!/^\d+$/.test(text) || Number(text) < 1) {
        throw new InvalidArgumentError(
          `give a whole number from 1, e.g. --max ${DEFAULT_REDRIVE_MAX}.`,
        );
      }
      return Number(text);
    });
}

/**
 * The `redrive` command.
 *
 * @example
 * program.addCommand(redriveCommand());
 */
export function redriveCommand(): Command {
  const command = new Command("redrive")
    .description("move dead-lettered runs back to the invocations queue, so that they run")
    .option("--dry-run", "list what would move; change nothing")
    .addOption(maxOption())
    .addOption(
      new Option("--queue-url <url>", "the invocations SQS queue").env(TRANSPORT_ENV.queueUrl),
    )
    .addOption(
      new Option("--dead-letter-queue-url <url>", "its dead-letter queue").env(
        TRANSPORT_ENV.deadLetterQueueUrl,
      ),
    );
  addStoreOptions(command);
  addJsonOption(command);
  command.addHelpText("after", HELP);
  addExamples(command, [
    "redrive --dry-run",
    "redrive --table schedules --queue-url https://sqs.eu-west-1.amazonaws.com/123456789012/invocations --dead-letter-queue-url https://sqs.eu-west-1.amazonaws.com/123456789012/invocations-dlq",
  ]);
  return command.action(async (options: RedriveCliOptions, self: Command) => {
    const out = outputOf(self);
    const result = await withStore(
      self,
      async (store, choice): Promise<RedriveResult> => {
        const run = { max: options.max, ...(options.dryRun === true ? { dryRun: true } : {}) };
        if (choice.backend !== STORE_BACKEND.dynamodb) {
          // Local mode: the dead letters `dev` kept in the file's journal go back to its queue.
          const { journalDeadLetterQueue, openSqliteJournal } = await loadEmbedded(
            () => import("../../local/journal.js"),
          );
          const journal = openSqliteJournal(choice.path);
          try {
            return await redrive({ store }, journalDeadLetterQueue(journal), run);
          } finally {
            journal.close();
          }
        }
        const { queueUrl, deadLetterQueueUrl } = options;
        if (!queueUrl || !deadLetterQueueUrl) {
          usageError(
            self,
            `redrive moves messages from the dead-letter queue to the invocations queue: give --queue-url URL and --dead-letter-queue-url URL (${TRANSPORT_ENV.queueUrl}, ${TRANSPORT_ENV.deadLetterQueueUrl}; the stack's outputs InvocationsQueueUrl and InvocationsDeadLetterQueueUrl)`,
          );
        }
        const { createSqsDeadLetterQueue } = await import("../../dispatch/dead-letters.js");
        const queue = createSqsDeadLetterQueue({ queueUrl, deadLetterQueueUrl });
        return redrive({ store }, queue, run);
      },
      { mustExist: true },
    );
    if (out.json) {
      out.data(result);
      return;
    }
    if (result.items.length > 0) {
      out.table(
        ["MESSAGE", "RUN ID", "RUN STATUS", "OUTCOME", "NOTE"],
        result.items.map((item) => [
          item.messageId,
          item.runId ?? "",
          item.status ?? "",
          item.outcome,
          item.error ?? (item.reconciled ? "FAILED → RETRYING" : ""),
        ]),
      );
    }
    out.note(
      result.dryRun
        ? `${result.items.length} message(s) on the dead-letter queue; ${result.reconciled} run(s) would be made startable again; nothing was changed`
        : `${result.moved} moved, ${result.reconciled} run(s) reconciled, ${result.left} left on the dead-letter queue`,
    );
    if (result.more)
      out.note(`--max ${options.max} reached: more messages may wait; redrive again`);
  });
}
