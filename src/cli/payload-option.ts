/**
 * A payload from the command line: `--payload JSON`, `--payload -` (standard input) or
 * `--payload-file FILE`. Only read and parsed here; the control plane checks size and schema.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { InvalidPayloadError } from "../errors.js";
import { usageError } from "./usage.js";

/** Parsed values of the payload options. */
export interface PayloadOptionValues {
  readonly payload?: string;
  readonly payloadFile?: string;
}

/** Adds `--payload` and `--payload-file`. */
export function addPayloadOptions(command: Command): Command {
  return command
    .option("--payload <json>", "payload as JSON text, or - to read it from standard input")
    .option("--payload-file <file>", "payload from a JSON file (- for standard input)");
}

/** Reads all of standard input as text. */
export async function readStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) {
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The payload the options give, parsed; `undefined` when none was given. Both options together
 * are a usage error; text that is not JSON is refused with where it breaks.
 */
export async function readPayloadOption(command: Command): Promise<unknown> {
  const { payload, payloadFile } = command.opts<PayloadOptionValues>();
  if (payload !== undefined && payloadFile !== undefined) {
    usageError(command, "--payload and --payload-file both give the payload: use one");
  }
  let text: string;
  let source: string;
  if (payload !== undefined) {
    source = payload === "-" ? "the payload on standard input" : "--payload";
    text = payload === "-" ? await readStdin() : payload;
  } else if (payloadFile !== undefined) {
    source =
      payloadFile === "-" ? "the payload on standard input" : `--payload-file ${payloadFile}`;
    text = payloadFile === "-" ? await readStdin() : await readPayloadFile(payloadFile);
  } else {
    return undefined;
  }
  return parsePayload(text, source);
}

async function readPayloadFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : String(error);
    throw new InvalidPayloadError(
      `cannot read the payload file ${path}: ${reason}`,
      {},
      { cause: error },
    );
  }
}

/** Parses JSON text, refusing with what is wrong and how to quote it. */
function parsePayload(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new InvalidPayloadError(
      `${source} is not JSON (${detail}): give a JSON value, quoted for the shell, e.g. --payload '{"name":"Ada"}'`,
      { issues: [{ path: "$", message: detail }] },
      { cause: error },
    );
  }
}
