/**
 * `lambda-scheduler validate <expression> [--tz ZONE]`: checks a schedule expression.
 */
import { Command } from "commander";
import { describeSchedule, parseSchedule } from "../../scheduling/index.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";

interface ValidateOptions {
  readonly tz: string;
}

/**
 * The `validate` command: prints what the expression means and exits 0, or prints why it is
 * not valid and exits 1 (the error reaches the program's handler).
 *
 * @example
 * program.addCommand(validateCommand());
 */
export function validateCommand(): Command {
  const command = new Command("validate")
    .description("check a schedule expression and say what it means")
    .argument(
      "<expression>",
      "rate(...), cron(...), 5-field cron, at(...), deadline(...) or RFC 5545 text",
    )
    .option("--tz <zone>", "IANA time zone the expression is read in", "UTC");
  addJsonOption(command);
  addExamples(command, [
    'validate "cron(0 12 ? * MON-FRI *)" --tz Europe/Berlin',
    'validate "rate(0 minutes)"   # exits 1: rate value "0" must be a whole number ≥ 1',
  ]);
  return command.action((expression: string, options: ValidateOptions, self: Command) => {
    const out = outputOf(self);
    const schedule = parseSchedule(expression, { timezone: options.tz });
    if (out.json) {
      out.data({
        valid: true,
        kind: schedule.kind,
        expression,
        timezone: schedule.timezone,
        description: describeSchedule(schedule),
      });
    } else out.print(describeSchedule(schedule));
  });
}
