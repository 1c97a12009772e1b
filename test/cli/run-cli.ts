/** Runs the built `lambda-scheduler` command (bin/lambda-scheduler.js over dist/lib) in a child. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/lambda-scheduler.js", import.meta.url));

/** What a CLI run printed and how it exited. */
export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `lambda-scheduler ...args` with this test's Node binary; `env` is added to a copy of
 * the environment without colour switches.
 */
export function runCli(args: readonly string[], env: Record<string, string> = {}): CliResult {
  if (!existsSync(new URL("../../dist/lib/cli/main.js", import.meta.url))) {
    throw new Error("dist/lib is missing: run `npm run build` first (npm test does)");
  }
  const { NO_COLOR: _noColor, FORCE_COLOR: _forceColor, ...base } = process.env;
  const child = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...base, ...env },
    timeout: 20_000,
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}
