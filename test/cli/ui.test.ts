/**
 * `lambda-scheduler ui` as a user starts it: the built CLI prints the dashboard's address with
 * its token, serves the file's schedules, and stops on Ctrl-C. Also measures the idle process's
 * memory (printed, not asserted: it depends on the machine).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, type Cli, createCli, expectExit } from "./support.js";

describe("lambda-scheduler ui", () => {
  let cli: Cli;
  beforeAll(async () => {
    cli = createCli();
    expectExit(await cli.run(["add", "greet", "--schedule", "rate(1 hour)", "--id", "hello"]), 0);
  });
  afterAll(() => cli.dispose());

  it("prints its address with a token, serves the file's schedules, and stops on Ctrl-C", async () => {
    const child = spawn(process.execPath, [CLI, "ui", "--port", "0"], { cwd: cli.cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const closed = new Promise<number | null>((resolve) => child.once("close", resolve));
    try {
      await expect.poll(() => stdout, { timeout: 15_000 }).toMatch(/^dashboard: http/);
      const url = /^dashboard: (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43})$/m.exec(stdout)?.[1];
      expect(url).toBeDefined();
      const origin = new URL(url as string).origin;
      const snapshot = (await (await fetch(`${origin}/api/snapshot`)).json()) as {
        schedules: { id: string; description: string }[];
      };
      expect(snapshot.schedules).toMatchObject([{ id: "hello", description: "every hour" }]);
      expect(stderr).toMatch(/serving SQLite \.lambda-scheduler\/schedules\.db; Ctrl-C stops it/);
      const page = await fetch(`${origin}/`);
      expect(page.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
      expect(await page.text()).toMatch(/<html lang="en">/);

      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1];
      console.log(`ui idle: ${(Number(rss) / 1024).toFixed(0)} MiB resident`);
    } finally {
      child.kill("SIGINT");
    }
    expect(await closed).toBe(0);
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
