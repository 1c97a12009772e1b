/**
 * `runs`, `retry` and `cancel` on the embedded store, as a user types them: a run that fails is
 * listed across schedules, retried once (a second retry is refused), and a queued run is
 * cancelled; statuses off the runs index and bad run ids are refused with what to do instead.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cli, createCli, expectExit, JOBS } from "./support.js";

interface RunJson {
  readonly runId: string;
  readonly scheduleId: string;
  readonly status: string;
  readonly attempt: number;
}

describe("the runs, retry and cancel commands on the embedded store", () => {
  let cli: Cli;
  let failed: RunJson;
  beforeAll(async () => {
    cli = createCli({ LAMBDA_SCHEDULER_DB: "schedules.db" });
    for (const [job, id] of [
      ["broken", "fragile"],
      ["greet", "friendly"],
    ] as const) {
      const payload = job === "greet" ? ["--payload", '{"name":"Ada"}'] : [];
      const added = await cli.run([
        "add",
        job,
        "--id",
        id,
        "--schedule",
        "rate(1 hour)",
        "--no-immediate",
        ...payload,
        "--jobs",
        JOBS,
      ]);
      expectExit(added, 0);
    }
    // Run here, with the jobs: one FAILED run, one SUCCEEDED.
    expectExit(await cli.run(["run", "fragile", "--jobs", JOBS]), 1);
    expectExit(await cli.run(["run", "friendly", "--jobs", JOBS]), 0);
    const [run] = await cli.json<RunJson[]>(["history", "fragile"]);
    if (run === undefined) throw new Error("the failed run was not recorded");
    failed = run;
  });
  afterAll(() => cli.dispose());

  it("lists the failed run across schedules, and not the one that succeeded", async () => {
    const runs = await cli.json<RunJson[]>(["runs", "--since", "1h"]);
    expect(runs.map((run) => [run.scheduleId, run.status])).toEqual([["fragile", "FAILED"]]);
    const table = await cli.run(["runs", "--status", "failed"]);
    expectExit(table, 0);
    expect(table.stdout).toContain(failed.runId);
    expect(table.stderr).toContain("lambda-scheduler retry <run id>");
  });

  it("lists nothing for a job without failures, and says so", async () => {
    const result = await cli.run(["runs", "--job", "greet"]);
    expectExit(result, 0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("no runs needing attention of job greet");
  });

  it.each([
    ["succeeded", "most runs end SUCCEEDED"],
    ["running", "every run passes through RUNNING"],
    ["buffered", "only as long as the run before it lasts"],
  ])(
    "refuses --status %s, off the runs index, with a usage error that says why and names history",
    async (status, why) => {
      const result = await cli.run(["runs", "--status", status]);
      expectExit(result, 2);
      expect(result.stderr).toContain(why);
      expect(result.stderr).toContain(`lambda-scheduler history <id> --status ${status}`);
    },
  );

  it("refuses a run id that is not one, saying the form, and changes nothing", async () => {
    const result = await cli.run(["retry", "fragile@yesterday"]);
    expectExit(result, 1);
    expect(result.stderr).toContain("<schedule-id>@<scheduled time as ISO 8601 UTC");
    expect((await cli.json<RunJson[]>(["history", "fragile"]))[0]?.status).toBe("FAILED");
  });

  it("queues the failed run again under its id once, then refuses a second retry", async () => {
    const first = await cli.json<{ status: string; run: RunJson }>([
      "retry",
      failed.runId,
      "--json",
    ]);
    expect(first).toMatchObject({
      status: "queued",
      run: { runId: failed.runId, status: "DISPATCHED" },
    });
    const second = await cli.run(["retry", failed.runId]);
    expectExit(second, 1);
    expect(second.stderr).toContain("it is DISPATCHED");
    const runs = await cli.json<RunJson[]>(["runs", "--status", "dispatched"]);
    expect(runs.map((run) => run.runId)).toEqual([failed.runId]);
  });

  it("cancels the queued run, then refuses to cancel it again", async () => {
    const cancelled = await cli.run(["cancel", failed.runId]);
    expectExit(cancelled, 0);
    expect(cancelled.stdout).toContain(`cancelled: run ${failed.runId}`);
    const again = await cli.run(["cancel", failed.runId]);
    expectExit(again, 1);
    expect(again.stderr).toContain("it is CANCELLED (it has ended already)");
    const runs = await cli.json<RunJson[]>(["runs", "--status", "cancelled"]);
    expect(runs.map((run) => run.runId)).toEqual([failed.runId]);
  });
});
