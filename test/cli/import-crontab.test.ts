/**
 * `import --from-crontab` through the built CLI on the embedded store: all or nothing, the
 * refusals by line number, and a second import that finds every schedule unchanged.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Cli, createCli, expectExit } from "./support.js";

const CRONTAB = `# m h  dom mon dow   command
SHELL=/bin/bash
MAILTO=ops@example.com

*/15 * * * *  /usr/local/bin/poll-queue
CRON_TZ=Europe/Berlin
30 7 * * 1-5  /usr/local/bin/report
@weekly       /usr/local/bin/vacuum
@reboot       /usr/local/bin/start-agent
0 25 * * *    /usr/local/bin/never
`;

interface Summary {
  mapping: { source: string; status: string; reasons: string[] }[];
  added: string[];
  unchanged: string[];
  refused: { line: number; reason: string }[];
}

describe("import --from-crontab", () => {
  let cli: Cli;
  beforeEach(() => {
    cli = createCli({ LAMBDA_SCHEDULER_DB: "schedules.db" });
    writeFileSync(join(cli.cwd, "crontab.txt"), CRONTAB);
  });
  afterEach(() => cli.dispose());

  it("refuses @reboot and a bad hour by line number, and imports nothing", async () => {
    const result = await cli.run(["import", "--from-crontab", "crontab.txt", "--job", "shell"]);
    expectExit(result, 1);
    expect(result.stdout).toMatch(/line 9 .* refused .*@reboot runs when the cron daemon starts/);
    expect(result.stdout).toMatch(/line 10 .* refused .*cron hour "25" is out of range 0-23/);
    expect(result.stdout).toMatch(/line 3 .* ignored .*MAILTO/);
    expect(result.stderr).toMatch(/nothing was imported/);
    expect((await cli.run(["export"])).stdout).toBe("");
  });

  it("imports the entries that map with --skip-refused, in their zones, and finds them unchanged again", async () => {
    const args = ["import", "--from-crontab", "crontab.txt", "--job", "shell", "--skip-refused"];
    const first = await cli.json<Summary>(args);
    expect(first.added).toHaveLength(3);
    expect(first.refused.map(({ line }) => line)).toEqual([9, 10]);
    const lines = (await cli.run(["export"])).stdout
      .trim()
      .split("\n")
      .map(
        (line) => JSON.parse(line) as { expression: string; timezone: string; payload: unknown },
      );
    expect(lines.map(({ expression, timezone }) => `${expression} ${timezone}`).sort()).toEqual([
      "*/15 * * * * UTC",
      "30 7 * * 1-5 Europe/Berlin",
      "@weekly Europe/Berlin",
    ]);
    expect(lines.map(({ payload }) => payload)).toContainEqual({
      command: "/usr/local/bin/report",
      env: { SHELL: "/bin/bash" },
    });
    const again = await cli.json<Summary>(args);
    expect(again.added).toEqual([]);
    expect(again.unchanged).toHaveLength(3);
  });

  it("needs --job with --from-crontab", async () => {
    const result = await cli.run(["import", "--from-crontab", "crontab.txt"]);
    expectExit(result, 2);
    expect(result.stderr).toMatch(/--from-crontab needs --job JOB/);
  });
});
