/**
 * `lambda-scheduler backfill <id> --from T1 --to T2 [--dry-run] [--max N]`: runs the past
 * occurrences of a schedule in a range, once each.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { systemClock } from "../../clock.js";
import {
  BACKFILL_MAX_LIMIT,
  BACKFILL_OUTCOME,
  type BackfillResult,
  backfill,
  DEFAULT_BACKFILL_MAX,
} from "../../control/backfill.js";
import type { Dispatcher } from "../../dispatch/types.js";
import { ScheduleNotFoundError } from "../../errors.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { loadEmbedded } from "../embedded-store.js";
import { isoTime } from "../output.js";
import { addStoreOptions, STORE_BACKEND, storeArgs, withStore } from "../store-option.js";
import { addTransportOptions, awsDispatcher } from "../transport-option.js";

interface BackfillCliOptions {
  readonly from: string;
  readonly to: string;
  readonly dryRun?: boolean;
  readonly max: number;
}

const HELP = `
Each occurrence runs once, as a manual run (exempt from --max-lateness and the overlap policy):
an occurrence that has a run already is left alone, so running the same backfill twice runs
nothing twice. At most --max occurrences per call; when more remain, it says where to go on.
On the embedded store the runs are queued in the file for \`lambda-scheduler dev\` to run.`;

function maxOption(): Option {
  return new Option("--max <n>", `occurrences considered by this call, 1 to ${BACKFILL_MAX_LIMIT}`)
    .default(DEFAULT_BACKFILL_MAX)
    .argParser((text) => {
      if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > BACKFILL_MAX_LIMIT) {
        throw new InvalidArgumentError(`give a whole number from 1 to ${BACKFILL_MAX_LIMIT}.`);
      }
      return Number(text);
    });
}

/**
 * The `backfill` command.
 *
 * @example
 * program.addCommand(backfillCommand());
 */
export function backfillCommand(): Command {
  const command = new Command("backfill")
    .description("run the past occurrences of a schedule in a range, each once")
    .argument("<id>", "schedule id")
    .requiredOption("--from <time>", "start of the range, ISO-8601 with an offset (inclusive)")
    .requiredOption("--to <time>", "end of the range, ISO-8601 with an offset (inclusive)")
    .option("--dry-run", "list the occurrences; write and send nothing")
    .addOption(maxOption());
  addStoreOptions(command);
  addTransportOptions(command, { errors: false });
  addJsonOption(command);
  command.addHelpText("after", HELP);
  addExamples(command, [
    "backfill nightly-report --from 2026-05-01T00:00:00Z --to 2026-05-03T00:00:00Z --dry-run",
    "backfill nightly-report --from 2026-05-01T00:00:00Z --to 2026-05-03T00:00:00Z --max 10 --json",
  ]);
  return command.action(async (id: string, options: BackfillCliOptions, self: Command) => {
    const out = outputOf(self);
    const range = {
      from: options.from,
      to: options.to,
      max: options.max,
      ...(options.dryRun === true ? { dryRun: true } : {}),
    };
    let embedded = false;
    const result = await withStore(
      self,
      async (store, choice): Promise<BackfillResult> => {
        const schedule = await store.getSchedule(id);
        if (schedule === undefined) throw new ScheduleNotFoundError(id);
        if (options.dryRun === true) return backfill(id, range, { store });
        if (choice.backend === STORE_BACKEND.dynamodb) {
          const dispatcher: Dispatcher = await awsDispatcher(self, {
            standard: !schedule.precise,
            precise: schedule.precise,
          });
          return backfill(id, range, { store, dispatcher });
        }
        embedded = true;
        const { journalDispatcher, openSqliteJournal } = await loadEmbedded(
          () => import("../../local/journal.js"),
        );
        const journal = openSqliteJournal(choice.path);
        try {
          return await backfill(id, range, {
            store,
            dispatcher: journalDispatcher(journal, systemClock),
          });
        } finally {
          journal.close();
        }
      },
      { mustExist: true },
    );
    const more =
      result.nextFrom === undefined
        ? undefined
        : `more occurrences remain: go on with --from ${isoTime(result.nextFrom)}`;
    if (out.json) {
      out.data({
        scheduleId: result.scheduleId,
        from: isoTime(result.from),
        to: isoTime(result.to),
        dryRun: result.dryRun,
        items: result.items.map((item) => ({
          scheduledAt: isoTime(item.scheduledAt),
          runId: item.runId,
          outcome: item.outcome,
          ...(item.status === undefined ? {} : { status: item.status }),
          ...(item.error === undefined ? {} : { error: item.error }),
        })),
        ...(result.nextFrom === undefined ? {} : { nextFrom: isoTime(result.nextFrom) }),
      });
      if (more !== undefined) out.note(more);
      return;
    }
    if (result.items.length === 0) {
      out.note(`schedule ${id} has no occurrence in the range`);
      return;
    }
    out.table(
      ["SCHEDULED (UTC)", "OUTCOME", "RUN ID", "NOTE"],
      result.items.map((item) => [
        isoTime(item.scheduledAt),
        item.outcome,
        item.runId,
        item.error ?? (item.status === undefined ? "" : `run ${item.status}`),
      ]),
    );
    const count = (outcome: string) => result.items.filter((i) => i.outcome === outcome).length;
    out.note(
      result.dryRun
        ? `dry run: ${result.items.length} occurrence(s) would be run; nothing was written`
        : `${count(BACKFILL_OUTCOME.dispatched)} dispatched, ${count(BACKFILL_OUTCOME.existed)} existed already, ${count(BACKFILL_OUTCOME.pending)} pending`,
    );
    if (!result.dryRun && embedded && count(BACKFILL_OUTCOME.dispatched) > 0) {
      out.note(
        `queued in the database: \`lambda-scheduler dev --jobs MODULE${storeArgs(self, "db")}\` runs them`,
      );
    }
    if (more !== undefined) out.note(more);
  });
}
