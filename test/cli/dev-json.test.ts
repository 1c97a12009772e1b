/**
 * `dev --json`: standard output carries one JSON object a line (runs and logs) for scripts,
 * and the progress lines go to standard error.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, type Cli, createCli, expectExit, JOBS } from "./support.js";

interface Session {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `dev` until standard output has a run line (or 20 s pass), then stops it with Ctrl-C. */
function devUntilFirstRun(cli: Cli, args: readonly string[]): Promise<Session> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "dev", ...args], { cwd: cli.cwd });
    let stdout = "";
    let stderr = "";
    let stopping = false;
    // Once: a second Ctrl-C ends the process without letting it finish (the summary line
    // printed at stop arrives after the run line).
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      child.kill("SIGINT");
    };
    const timer = setTimeout(stop, 20_000);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('"type":"run"')) stop();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("dev --json", () => {
  let cli: Cli;
  beforeAll(async () => {
    cli = createCli();
    const added = await cli.run([
      "add",
      "greet",
      "--schedule",
      "rate(1 hour)",
      "--id",
      "hello",
      "--payload",
      '{"name":"Ada"}',
    ]);
    expectExit(added, 0);
  });
  afterAll(() => cli.dispose());

  it("prints each run as one JSON object a line, and its progress on standard error", async () => {
    const session = await devUntilFirstRun(cli, ["--jobs", JOBS, "--json"]);
    expect(session.code).toBe(0);
    const lines = session.stdout.trimEnd().split("\n");
    const objects = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(objects.every((object) => ["run", "log", "summary"].includes(String(object.type)))).toBe(
      true,
    );
    expect(objects.at(-1)).toMatchObject({ type: "summary", jobs: { greet: { started: 1 } } });
    expect(objects.find((object) => object.type === "run")).toMatchObject({
      scheduleId: "hello",
      job: "greet",
      status: "SUCCEEDED",
      attempt: 1,
      runId: expect.any(String),
      scheduledAt: expect.stringMatching(/Z$/),
      durationMs: expect.any(Number),
    });
    expect(session.stderr).toMatch(/^jobs: broken, greet$/m);
    expect(session.stderr).toMatch(/local scheduler running on .*; Ctrl-C stops it/);
  });
});
