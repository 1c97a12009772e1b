/**
 * `backfill` on the embedded store, as a user types it: a dry run, a run, and the same run again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cli, createCli, expectExit, JOBS } from "./support.js";

interface BackfillJson {
  readonly dryRun: boolean;
  readonly items: readonly { scheduledAt: string; outcome: string; runId: string }[];
  readonly nextFrom?: string;
}

const RANGE = ["--from", "2026-01-02T00:00:00Z", "--to", "2026-01-02T03:00:00Z"];

describe("the backfill command on the embedded store", () => {
  let cli: Cli;
  beforeAll(async () => {
    cli = createCli({ LAMBDA_SCHEDULER_DB: "schedules.db" });
    expectExit(
      await cli.run([
        "add",
        "greet",
        "--id",
        "hourly",
        "--schedule",
        "0 * * * *",
        "--payload",
        '{"name":"Ada"}',
        "--jobs",
        JOBS,
      ]),
      0,
    );
  });
  afterAll(() => cli.dispose());

  it("lists the occurrences on a dry run and writes nothing", async () => {
    const result = await cli.run(["backfill", "hourly", ...RANGE, "--dry-run"]);
    expectExit(result, 0);
    expect(result.stdout).toContain("2026-01-02T02:00:00Z  would-dispatch");
    expect(result.stderr).toContain("4 occurrence(s) would be run; nothing was written");
    expect((await cli.json<unknown[]>(["history", "hourly"])).length).toBe(0);
  });

  it("queues each occurrence once, and says where to go on past the cap", async () => {
    const first = await cli.json<BackfillJson>(["backfill", "hourly", ...RANGE, "--max", "3"]);
    expect(first.items.map((i) => i.outcome)).toEqual(["dispatched", "dispatched", "dispatched"]);
    expect(first.nextFrom).toBe("2026-01-02T03:00:00Z");
    const again = await cli.run(["backfill", "hourly", ...RANGE]);
    expectExit(again, 0);
    expect(again.stderr).toContain("1 dispatched, 3 existed already, 0 pending");
  });

  it("refuses a range that ends before it starts, naming the field", async () => {
    const result = await cli.run([
      "backfill",
      "hourly",
      "--from",
      "2026-01-02T03:00:00Z",
      "--to",
      "2026-01-02T00:00:00Z",
    ]);
    expectExit(result, 1);
    expect(result.stderr).toContain("from 2026-01-02T03:00:00.000Z is not before to");
  });
});
