/**
 * Runs a built Lambda bundle the way the Lambda runtime would, in a child process (so that each
 * run starts cold and with exactly the function's environment), via run-handler.mjs.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FunctionConfiguration } from "@aws-sdk/client-lambda";
import { awsEnvironment } from "../support/aws.js";

/**
 * Runs a bundle's handler in a child process with the environment Lambda would give the
 * function `config` describes (its variables included), sending its AWS calls to `endpoint`;
 * returns the handler's result.
 */
export async function runBundle(
  config: FunctionConfiguration,
  bundle: string,
  event: unknown,
  endpoint: string,
): Promise<unknown> {
  const dir = await mkdtemp(join(tmpdir(), "lambda-scheduler-run-"));
  try {
    const resultFile = join(dir, "result.json");
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      TZ: ":UTC",
      AWS_EXECUTION_ENV: "AWS_Lambda_nodejs24.x",
      AWS_LAMBDA_FUNCTION_NAME: config.FunctionName ?? "function",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.MemorySize ?? 128),
      AWS_LAMBDA_FUNCTION_TIMEOUT: String(config.Timeout ?? 60),
      ...awsEnvironment(),
      AWS_ENDPOINT_URL: endpoint,
      // The emulator returns numbers for Number parameters; Lambda always gives strings.
      ...Object.fromEntries(
        Object.entries(config.Environment?.Variables ?? {}).map(([name, value]) => [
          name,
          String(value),
        ]),
      ),
    };
    const script = new URL("run-handler.mjs", import.meta.url);
    const child = spawn(process.execPath, [script.pathname, bundle, resultFile], { env });
    child.stdin.end(JSON.stringify(event));
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    const status = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", resolve);
    });
    if (status !== 0) throw new Error(`${bundle} failed (exit ${status}):\n${output}`);
    return JSON.parse(await readFile(resultFile, "utf8"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
