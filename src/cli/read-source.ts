/**
 * Reading the file a command was given, or standard input for `-`.
 */
import { readFile } from "node:fs/promises";
import { SchedulerError } from "../errors.js";
import { readStdin } from "./payload-option.js";

/** The text of `file` (`-`: standard input); a missing file is an error that names it. */
export async function readSource(file: string): Promise<string> {
  if (file === "-") return readStdin();
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : String(error);
    throw new SchedulerError(`cannot read ${file}: ${reason}`, { cause: error });
  }
}

/** The lines of a text, without the empty one after a final newline. */
export function linesOf(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}
