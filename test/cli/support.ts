/**
 * Runs the built CLI as a user would: a child process of this Node on bin/lambda-scheduler.js
 * (over dist/lib), in a working directory of its own inside the project (so that a `--jobs`
 * module, bundled next to it, resolves `lambda-scheduler` and `zod` from the project's
 * node_modules), or, for commands that keep no state, synchronously in the project root.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const CLI = join(ROOT, "bin/lambda-scheduler.js");
/** The test jobs module: `greet` (zod schema) and `broken` (always fails, no retry). */
export const JOBS = join(ROOT, "test/cli/fixtures/jobs.ts");

/** What one command did. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of one command run. */
export interface RunOptions {
  /** Written to the child's standard input, which is then closed. */
  readonly input?: string;
  /** Added to (or, with `undefined`, removed from) the CLI's environment for this run. */
  readonly env?: Record<string, string | undefined>;
}

/** A CLI bound to a working directory and an environment. */
export interface Cli {
  readonly cwd: string;
  run(args: readonly string[], options?: RunOptions): Promise<CliResult>;
  /**
   * Runs a command on a pseudo-terminal (util-linux `script`), answering with `input`; standard
   * output and error arrive together, as on a screen.
   */
  runOnTerminal(args: readonly string[], input: string): Promise<CliResult>;
  /** Runs a command that must succeed, and parses its standard output as JSON. */
  json<T = unknown>(args: readonly string[], options?: RunOptions): Promise<T>;
  /** Removes the working directory. */
  dispose(): void;
}

/** Variables of the test runner's environment that would change what the CLI does. */
const CLEARED = /^(LAMBDA_SCHEDULER_|AWS_|NO_COLOR$|FORCE_COLOR$|LOG_LEVEL$)/;

/** The test runner's environment less {@link CLEARED}, plus `env`. */
function cliEnvironment(env: Record<string, string>): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !CLEARED.test(key)) base[key] = value;
  }
  return { ...base, ...env };
}

function assertBuilt(): void {
  if (!existsSync(join(ROOT, "dist/lib/cli/main.js"))) {
    throw new Error("dist/lib is missing: run `npm run build` first (npm test does)");
  }
}

/**
 * Runs `lambda-scheduler ...args` to completion in the project root, for commands that keep no
 * state (`validate`, `next`, `--help`); the environment is as for {@link createCli}.
 */
export function runCli(args: readonly string[], env: Record<string, string> = {}): CliResult {
  assertBuilt();
  const child = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: cliEnvironment(env),
    timeout: 20_000,
  });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

/**
 * A CLI in a fresh working directory under the project's (ignored) `.lambda-scheduler/`, with
 * the test runner's environment less anything that selects a store, plus `env`.
 */
export function createCli(env: Record<string, string> = {}): Cli {
  assertBuilt();
  const cwd = join(ROOT, ".lambda-scheduler", `cli-test-${randomUUID().slice(0, 8)}`);
  mkdirSync(cwd, { recursive: true });
  const base = cliEnvironment(env);
  const envOf = (options: RunOptions): Record<string, string> => {
    const childEnv: Record<string, string> = { ...base };
    for (const [key, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete childEnv[key];
      else childEnv[key] = value;
    }
    return childEnv;
  };
  const spawned = (
    command: string,
    args: readonly string[],
    options: RunOptions,
  ): Promise<CliResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd, env: envOf(options) });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.once("error", reject);
      child.once("close", (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(options.input ?? "");
    });
  const quote = (arg: string): string => `'${arg.replaceAll("'", "'\\''")}'`;
  const cli: Cli = {
    cwd,
    run: (args, options = {}) => spawned(process.execPath, [CLI, ...args], options),
    runOnTerminal: (args, input) =>
      spawned(
        "script",
        [
          "--quiet",
          "--return",
          "--command",
          [process.execPath, CLI, ...args].map(quote).join(" "),
          "/dev/null",
        ],
        { input },
      ),
    async json<T>(args: readonly string[], options?: RunOptions): Promise<T> {
      const result = await cli.run([...args, "--json"], options);
      if (result.code !== 0) {
        throw new Error(`${args.join(" ")} --json exited ${result.code}: ${result.stderr}`);
      }
      return JSON.parse(result.stdout) as T;
    },
    dispose() {
      rmSync(cwd, { recursive: true, force: true });
    },
  };
  return cli;
}

/** Asserts an exit code, showing the command's output when it differs. */
export function expectExit(result: CliResult, code: number): void {
  expect({ code: result.code, stderr: result.stderr, stdout: result.stdout }).toMatchObject({
    code,
  });
}
