/**
 * `lambda-scheduler why <id> --at TIME`: whether and why a schedule fired at or near a time.
 */
import { Command } from "commander";
import { explain } from "../../control/explain.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { isoTime } from "../output.js";
import { addStoreOptions, withStore } from "../store-option.js";

/**
 * The `why` command.
 *
 * @example
 * program.addCommand(whyCommand());
 */
export function whyCommand(): Command {
  const command = new Command("why")
    .description("explain whether and why a schedule fired at or near a time")
    .argument("<id>", "schedule id")
    .requiredOption("--at <time>", "the time asked about, ISO-8601 with an offset");
  addStoreOptions(command);
  addJsonOption(command);
  addExamples(command, [
    "why nightly-report --at 2026-03-08T07:00:00Z",
    "why nightly-report --at 2026-03-08T02:30:00-05:00 --json",
  ]);
  return command.action(async (id: string, options: { at: string }, self: Command) => {
    const out = outputOf(self);
    const answer = await withStore(self, (store) => explain(id, options.at, { store }), {
      mustExist: true,
    });
    if (out.json) {
      out.data({
        scheduleId: answer.scheduleId,
        at: isoTime(answer.at),
        verdict: answer.verdict,
        ...(answer.occurrence === undefined ? {} : { occurrence: isoTime(answer.occurrence) }),
        ...(answer.runId === undefined ? {} : { runId: answer.runId }),
        reasons: answer.reasons,
      });
      return;
    }
    const occurrence =
      answer.occurrence === undefined ? "" : `, occurrence ${isoTime(answer.occurrence)}`;
    out.print(`${answer.verdict}${occurrence}`);
    for (const reason of answer.reasons) out.print(`  ${reason.kind}: ${reason.message}`);
  });
}
