/**
 * Usage errors: the command line itself is wrong (options that exclude each other, a missing
 * choice). They exit with code 2, like commander's own, and print the command's help hint.
 */
import type { Command } from "commander";

/** The exit codes of every command. */
export const EXIT_CODE = {
  ok: 0,
  /** The command failed, or its input was refused; nothing was written. */
  failed: 1,
  /** The command line is wrong: unknown option, missing argument, conflicting options. */
  usage: 2,
  /** `diff` only: the store differs from the file (like `git diff --exit-code`'s 1). */
  differs: 3,
} as const;
export type ExitCode = (typeof EXIT_CODE)[keyof typeof EXIT_CODE];

/**
 * Reports a usage error through commander (so it is printed and exits like commander's own,
 * with code 2) and never returns.
 */
export function usageError(command: Command, message: string): never {
  command.error(`error: ${message}\n(see: lambda-scheduler ${command.name()} --help)`, {
    exitCode: EXIT_CODE.usage,
    code: "lambda-scheduler.usage",
  });
}
