/**
 * `lambda-scheduler ui` as a user starts it: the built CLI prints the dashboard's address with
 * its token, serves the store's schedules, and stops on Ctrl-C; on DynamoDB (the emulator), run
 * now goes to the stack's topic when given one and is refused, writing nothing, when not. Also
 * measures the idle process's memory (printed, not asserted: it depends on the machine).
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUiProcess } from "../support/ui-process.js";
import { createInvocations, newTableEnvironment } from "./aws.js";
import { CLI, type Cli, createCli, expectExit } from "./support.js";

/** The test runner's environment less what would pick a store or an AWS account. */
function runnerEnvironment(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && !/^(LAMBDA_SCHEDULER_|AWS_)/.test(entry[0]),
    ),
  );
}

/** Starts `ui --port 0 ...args` in the CLI's directory and waits for its address. */
function startUi(cli: Cli, args: readonly string[], env: Record<string, string> = {}) {
  return startUiProcess(CLI, args, { cwd: cli.cwd, env: { ...runnerEnvironment(), ...env } });
}

async function getJson<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

describe("lambda-scheduler ui on the embedded store", () => {
  let cli: Cli;
  beforeAll(async () => {
    cli = createCli();
    expectExit(await cli.run(["add", "greet", "--schedule", "rate(1 hour)", "--id", "hello"]), 0);
  });
  afterAll(() => cli.dispose());

  it("prints its address with a token, serves the file's schedules, and stops on Ctrl-C", async () => {
    const ui = await startUi(cli, []);
    let code: number | null;
    try {
      const snapshot = await getJson<{ schedules: { id: string; description: string }[] }>(
        `${ui.origin}/api/snapshot`,
      );
      expect(snapshot.schedules).toMatchObject([{ id: "hello", description: "every hour" }]);
      expect(ui.stderr()).toMatch(
        /serving SQLite \.lambda-scheduler\/schedules\.db; Ctrl-C stops it/,
      );
      const page = await fetch(`${ui.origin}/`);
      expect(page.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
      expect(await page.text()).toMatch(/<html lang="en">/);

      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${ui.pid}/status`, "utf8"))?.[1];
      console.log(`ui idle: ${(Number(rss) / 1024).toFixed(0)} MiB resident`);
    } finally {
      code = await ui.stop();
    }
    expect(code).toBe(0);
  });

  it("refuses to start on a file that does not exist, and says which", async () => {
    const result = await cli.run(["ui", "--db", "missing.db", "--port", "0"]);
    expectExit(result, 1);
    expect(result.stderr).toMatch(/no schedule database at missing\.db/);
  });

  it("refuses a port that is not one", async () => {
    const result = await cli.run(["ui", "--port", "80000"]);
    expectExit(result, 2);
    expect(result.stderr).toMatch(/give a port from 0 to 65535/);
  });
});

describe("lambda-scheduler ui on DynamoDB", () => {
  let cli: Cli;
  let env: Record<string, string>;
  beforeAll(async () => {
    env = await newTableEnvironment();
    cli = createCli(env);
    expectExit(await cli.run(["add", "greet", "--schedule", "rate(1 hour)", "--id", "hello"]), 0);
  });
  afterAll(() => cli.dispose());

  it("offers no run now without the stack's topic, says which options to give, and writes nothing", async () => {
    const ui = await startUi(cli, [], env);
    try {
      const info = await getJson<{ runNow: boolean; runNowUnavailable: string }>(
        `${ui.origin}/api/info`,
      );
      expect(info.runNow).toBe(false);
      expect(info.runNowUnavailable).toMatch(/--topic-arn and --queue-url/);
      const answer = await fetch(`${ui.origin}/api/schedules/hello/run`, {
        method: "POST",
        headers: { "x-dashboard-token": ui.token },
      });
      expect(answer.status).toBe(409);
      const history = await cli.json<unknown[]>(["history", "hello", "--json"]);
      expect(history).toEqual([]);
    } finally {
      await ui.stop();
    }
  });

  it("sends run now to the stack's topic", async () => {
    const invocations = await createInvocations();
    const ui = await startUi(cli, ["--topic-arn", invocations.topicArn], env);
    try {
      const answer = await fetch(`${ui.origin}/api/schedules/hello/run`, {
        method: "POST",
        headers: { "x-dashboard-token": ui.token },
      });
      const { runId } = (await answer.json()) as { runId: string };
      expect(answer.status).toBe(200);
      await expect
        .poll(async () => (await invocations.receive()).map((envelope) => envelope.runId))
        .toContain(runId);
    } finally {
      await ui.stop();
    }
  });
});
