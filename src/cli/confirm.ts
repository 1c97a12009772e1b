/**
 * Questions on the terminal before a command deletes something.
 */
import { createInterface } from "node:readline/promises";

/** Asks on the terminal (standard error); true only for an answer starting with y. */
export async function confirm(question: string): Promise<boolean> {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await terminal.question(`${question} [y/N] `);
    return /^y/i.test(answer.trim());
  } finally {
    terminal.close();
  }
}
