/**
 * What only the embedded store does: its default file, running jobs in the CLI's process with
 * `--jobs`, and the parts of the CLI that need no store (jobs, help, colours).
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cli, createCli, expectExit, JOBS } from "./support.js";

const COMMANDS = [
  "add",
  "list",
  "show",
  "history",
  "jobs",
  "update",
  "remove",
  "pause",
  "resume",
  "run",
  "import",
  "export",
  "tick",
];

interface RunView {
  runId: string;
  status: string;
  manual?: boolean;
  error?: { message: string };
}

describe("the embedded store", () => {
  let cli: Cli;
  beforeAll(() => {
    cli = createCli();
  });
  afterAll(() => cli.dispose());

  it("is .lambda-scheduler/schedules.db in the working directory by default", async () => {
    expect(existsSync(join(cli.cwd, ".lambda-scheduler/schedules.db"))).toBe(false);
    const missing = await cli.run(["list"]);
    expectExit(missing, 1);
    expect(missing.stderr).toMatch(
      /no schedule database at \.lambda-scheduler\/schedules\.db: add a schedule first/,
    );
    expect(existsSync(join(cli.cwd, ".lambda-scheduler/schedules.db"))).toBe(false);

    await cli.json([
      "add",
      "greet",
      "--schedule",
      "rate(1 minute)",
      "--id",
      "greeter",
      "--payload",
      '{"name":"Ada"}',
    ]);
    expect(existsSync(join(cli.cwd, ".lambda-scheduler/schedules.db"))).toBe(true);
    expect((await cli.json<{ id: string }[]>(["list"])).map((schedule) => schedule.id)).toEqual([
      "greeter",
    ]);
  });

  it("is named by --db, which beats a table named in the environment", async () => {
    const env = { LAMBDA_SCHEDULER_TABLE: "not-used" };
    await cli.json(["add", "greet", "--schedule", "rate(1 day)", "--db", "other.db"], { env });
    expect(existsSync(join(cli.cwd, "other.db"))).toBe(true);
    expect(await cli.json<unknown[]>(["list", "--db", "other.db"])).toHaveLength(1);
  });

  it("queues runs in the file for dev without --jobs, and runs them here with it", async () => {
    const queued = await cli.json<{ summary: { claimed: number }; queued: number }>(["tick"]);
    expect(queued).toMatchObject({ summary: { claimed: 1 }, queued: 1 });
    // A scheduled run has no record until it starts.
    expect(await cli.json<RunView[]>(["history", "greeter"])).toEqual([]);

    const ran = await cli.run(["tick", "--jobs", JOBS]);
    expectExit(ran, 0);
    expect(ran.stdout).toMatch(/run\s+greeter greet \S+ SUCCEEDED/);
    expect(ran.stderr).toMatch(/running 1 run\(s\) queued in /);
    expect((await cli.json<RunView[]>(["history", "greeter"])).map((run) => run.status)).toEqual([
      "SUCCEEDED",
    ]);
  });

  it("runs a schedule here with --jobs, and exits 1 when the job fails", async () => {
    const ok = await cli.json<{ status: string; run: RunView }>(["run", "greeter", "--jobs", JOBS]);
    expect(ok).toMatchObject({ status: "ran-here", run: { status: "SUCCEEDED", manual: true } });

    await cli.json([
      "add",
      "broken",
      "--schedule",
      "rate(1 day)",
      "--id",
      "breaks",
      "--no-immediate",
    ]);
    const failed = await cli.run(["run", "breaks", "--jobs", JOBS]);
    expectExit(failed, 1);
    expect(failed.stdout).toMatch(/run\s+breaks broken \S+ \(manual\) FAILED .*broken on purpose/);
    const [run] = await cli.json<RunView[]>(["history", "breaks", "--status", "failed"]);
    expect(run?.error?.message).toBe("broken on purpose");
    const latest = await cli.run(["history", "greeter", "--limit", "1", "--json"]);
    expect((JSON.parse(latest.stdout) as RunView[]).map((view) => view.manual)).toEqual([true]);
    expect(latest.stderr).toMatch(/older runs exist: raise --limit/);
  });

  it("queues a run in the file without --jobs, and says who runs it", async () => {
    const result = await cli.run(["run", "breaks"]);
    expectExit(result, 0);
    expect(result.stdout).toMatch(/^queued: run breaks@/);
    expect(result.stderr).toMatch(/lambda-scheduler dev/);
  });
});

describe("the commands without a store", () => {
  let cli: Cli;
  beforeAll(() => {
    cli = createCli();
  });
  afterAll(() => cli.dispose());

  it("lists the jobs of a module with a summary of their payloads", async () => {
    const table = await cli.run(["jobs", "--jobs", JOBS]);
    expectExit(table, 0);
    expect(table.stdout).toMatch(/^JOB\s+PAYLOAD\s+RETRY\s+OVERLAP\s+DESCRIPTION\n/);
    expect(table.stdout).toMatch(
      /greet\s+\{ name: string, times\?: integer \}\s+3× \/ 30s\s+allow\s+says hello/,
    );
    const jobs = await cli.json<{ name: string; payloadSchema: unknown }[]>([
      "jobs",
      "--jobs",
      JOBS,
    ]);
    expect(jobs.map((job) => job.name)).toEqual(["broken", "greet"]);
    expect(jobs[1]?.payloadSchema).toMatchObject({ type: "object", required: ["name"] });
  });

  it.each([
    { what: "without a module", args: ["jobs"], code: 2, says: /--jobs MODULE/ },
    {
      what: "with a module that does not exist",
      args: ["jobs", "--jobs", "nope.ts"],
      code: 1,
      says: /jobs module nope\.ts does not exist/,
    },
  ])("refuses jobs $what with exit $code", async ({ args, code, says }) => {
    const result = await cli.run(args);
    expectExit(result, code);
    expect(result.stderr).toMatch(says);
  });

  it("shows the options and an example in the help of every command", async () => {
    const helps = await Promise.all(COMMANDS.map((name) => cli.run([name, "--help"])));
    for (const [index, help] of helps.entries()) {
      const name = COMMANDS[index];
      expectExit(help, 0);
      expect(help.stdout).toContain(`Usage: lambda-scheduler ${name} `);
      expect(help.stdout).toContain("--json");
      expect(help.stdout).toMatch(new RegExp(`Examples:\\n {2}\\$ .*lambda-scheduler ${name}\\b`));
    }
  });

  it("colours tables on request, and never with NO_COLOR", async () => {
    const env = { LAMBDA_SCHEDULER_DB: "colours.db" };
    await cli.run(["add", "greet", "--schedule", "rate(1 day)"], { env });
    const plain = await cli.run(["list"], { env });
    const forced = await cli.run(["list"], { env: { ...env, FORCE_COLOR: "1" } });
    const denied = await cli.run(["list"], { env: { ...env, FORCE_COLOR: "1", NO_COLOR: "1" } });
    expect(plain.stdout).not.toContain("\u001b[");
    expect(forced.stdout).toContain("\u001b[");
    expect(denied.stdout).not.toContain("\u001b[");
    expect(denied.stdout).toBe(plain.stdout);
  });
});

describe("on a terminal", () => {
  let cli: Cli;
  beforeAll(async () => {
    cli = createCli({ LAMBDA_SCHEDULER_DB: "terminal.db" });
    await cli.json(["add", "greet", "--schedule", "rate(1 day)", "--id", "asked"]);
  });
  afterAll(() => cli.dispose());

  it("remove asks first, and keeps the schedule unless the answer is yes", async () => {
    const kept = await cli.runOnTerminal(["remove", "asked"], "n\n");
    expectExit(kept, 0);
    expect(kept.stdout).toMatch(
      /remove schedule asked \(greet on rate\(1 day\)\) and its run history\? \[y\/N\]/,
    );
    expect(kept.stdout).toContain("kept: schedule asked was not removed");
    const removed = await cli.runOnTerminal(["remove", "asked"], "y\n");
    expectExit(removed, 0);
    expect(removed.stdout).toContain("removed: schedule asked");
    expect(await cli.json(["list"])).toEqual([]);
  });

  it("import shows a progress bar, and list colours its table", async () => {
    const lines = Array.from({ length: 20 }, (_, n) =>
      JSON.stringify({ id: `bulk-${n}`, job: "greet", expression: `rate(${n + 1} days)` }),
    );
    writeFileSync(join(cli.cwd, "bulk.jsonl"), `${lines.join("\n")}\n`);
    const imported = await cli.runOnTerminal(["import", "bulk.jsonl"], "");
    expectExit(imported, 0);
    expect(imported.stdout).toMatch(/importing \[.*\] \d+\/20 lines/);
    expect(imported.stdout).toContain("added 20, unchanged 0, refused 0");
    const listed = await cli.runOnTerminal(["list", "--limit", "1"], "");
    expect(listed.stdout).toContain("\u001b[");
  });
});
