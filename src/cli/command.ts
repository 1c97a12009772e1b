/**
 * What every management command has: `--json`, examples at the end of its `--help`, and an
 * {@link Output} built from its options.
 */
import type { Command } from "commander";
import { createOutput, type Output } from "./output.js";

/** Adds `--json`. */
export function addJsonOption(command: Command): Command {
  return command.option("--json", "print JSON for scripts instead of tables");
}

/**
 * Ends `--help` with examples, one command line each; `lambda-scheduler ` is prepended unless
 * the line names it already (a pipeline).
 */
export function addExamples(command: Command, examples: readonly string[]): Command {
  const lines = examples.map((example) =>
    example.includes("lambda-scheduler ") ? `  $ ${example}` : `  $ lambda-scheduler ${example}`,
  );
  return command.addHelpText("after", `\nExamples:\n${lines.join("\n")}`);
}

/** The output of a command run, from its `--json` option. */
export function outputOf(command: Command): Output {
  return createOutput({ json: command.opts<{ json?: boolean }>().json === true });
}
