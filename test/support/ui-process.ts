/**
 * `lambda-scheduler ui` as a child process, the way a user starts it: started with a CLI entry
 * point, waited on until it prints its tokenised address, stopped with Ctrl-C.
 */
import { spawn } from "node:child_process";
import { expect } from "vitest";

/** A running `ui` child process. */
export interface RunningUi {
  readonly origin: string;
  readonly token: string;
  readonly pid: number;
  readonly stderr: () => string;
  /** Ctrl-C; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `node bin ui --port 0 ...args` and waits (up to 15 s) for the address it prints. */
export async function startUiProcess(
  bin: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv },
): Promise<RunningUi> {
  const child = spawn(process.execPath, [bin, "ui", "--port", "0", ...args], options);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const closed = new Promise<number | null>((resolve) => child.once("close", resolve));
  const stop = async (): Promise<number | null> => {
    child.kill("SIGINT");
    return closed;
  };
  try {
    await expect.poll(() => stdout, { timeout: 15_000 }).toMatch(/^dashboard: http/);
  } catch (error) {
    await stop();
    throw new Error(`ui did not start: ${stderr}`, { cause: error });
  }
  const url = /^dashboard: (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43})$/m.exec(stdout)?.[1];
  expect(url).toBeDefined();
  const parsed = new URL(url as string);
  return {
    origin: parsed.origin,
    token: parsed.searchParams.get("token") ?? "",
    pid: child.pid ?? 0,
    stderr: () => stderr,
    stop,
  };
}
