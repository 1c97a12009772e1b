/**
 * Option values commander checks while parsing, so that a wrong one is a usage error (exit 2)
 * reported before anything runs: a page limit, and a choice among fixed names.
 */
import { InvalidArgumentError, Option } from "commander";

/** `--limit N`: a whole number from 1, with a default. */
export function limitOption(defaultLimit: number, what: string): Option {
  return new Option("--limit <n>", `show at most this many ${what}`)
    .default(defaultLimit)
    .argParser((text) => {
      if (!/^\d+$/.test(text) || Number(text) < 1) {
        throw new InvalidArgumentError(`give a whole number from 1, e.g. --limit ${defaultLimit}.`);
      }
      return Number(text);
    });
}

/**
 * An option whose value is one of `values`, in any letter case (`--status failed` is FAILED).
 * The help lists the values.
 */
export function choiceOption<T extends string>(
  flags: string,
  description: string,
  values: readonly T[],
): Option {
  return new Option(flags, `${description} (${values.join(", ")})`).argParser((text): T => {
    const found = values.find((value) => value.toLowerCase() === text.toLowerCase());
    if (found === undefined) {
      throw new InvalidArgumentError(`allowed: ${values.join(", ")}.`);
    }
    return found;
  });
}

/** Parses a TCP port: a whole number from 0 (any free port) to 65535. */
export function parsePort(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65_535) {
    throw new InvalidArgumentError(`give a port from 0 to 65535 (0: any free port), e.g. 8787.`);
  }
  return Number(text);
}
