/**
 * `apply` and `diff` through the built CLI on the embedded store: the round trip export →
 * apply → diff, changes in place with history kept, `--prune` with and without `--yes`, and
 * the exit codes (a refused line applies nothing).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Cli, createCli, expectExit } from "./support.js";

const NIGHTLY = {
  id: "nightly",
  job: "report",
  expression: "0 3 * * *",
  timezone: "Europe/Berlin",
  payload: { report: "sales" },
  firstRun: "scheduled",
};
const OFTEN = { id: "often", job: "ping", expression: "rate(5 minutes)", state: "PAUSED" };
const ONCE = {
  id: "once",
  job: "report",
  expression: "at(2030-06-01T10:00:00)",
  endAt: "2030-07-01T00:00:00Z",
  jitterMs: 60_000,
};

function jsonl(...lines: readonly object[]): string {
  return lines.map((line) => `${JSON.stringify(line)}\n`).join("");
}

interface Plan {
  plan: {
    action: string;
    id: string;
    fields?: { field: string; stored: unknown; given: unknown }[];
  }[];
  unchanged: string[];
  applied?: { action: string; id: string }[];
}

describe("apply and diff", () => {
  let cli: Cli;
  const file = (name: string, text: string): string => {
    writeFileSync(join(cli.cwd, name), text);
    return name;
  };

  const shown = async (id: string) =>
    (
      await cli.json<{ schedule: { nextRunAt: string; expression: string; state: string } }>([
        "show",
        id,
      ])
    ).schedule;

  beforeEach(() => {
    cli = createCli({ LAMBDA_SCHEDULER_DB: "schedules.db" });
  });
  afterEach(() => cli.dispose());

  it("round-trips: an export applied to an empty store leaves nothing to diff", async () => {
    const source = { LAMBDA_SCHEDULER_DB: "source.db" };
    expectExit(
      await cli.run(["apply", file("seed.jsonl", jsonl(NIGHTLY, OFTEN, ONCE))], { env: source }),
      0,
    );
    const exported = (await cli.run(["export"], { env: source })).stdout;
    expect(exported.trim().split("\n")).toHaveLength(3);
    file("exported.jsonl", exported);
    const applied = await cli.json<Plan>(["apply", "exported.jsonl"]);
    expect(applied.plan.map((step) => [step.action, step.id])).toEqual([
      ["add", "nightly"],
      ["add", "often"],
      ["add", "once"],
    ]);
    const diff = await cli.run(["diff", "exported.jsonl"]);
    expectExit(diff, 0);
    expect(diff.stdout).toBe("plan: 0 to add, 0 to change, 0 to remove, 3 unchanged\n");
    expect((await cli.run(["export"])).stdout).toBe(exported);
  });

  it("changes a schedule in place: the diff names each field, the next run moves, the history stays", async () => {
    expectExit(await cli.run(["apply", file("v1.jsonl", jsonl(NIGHTLY))]), 0);
    expectExit(await cli.run(["run", "nightly"]), 0);
    const before = await shown("nightly");
    const changed = {
      ...NIGHTLY,
      expression: "0 4 * * *",
      payload: { report: "costs" },
      jitterMs: 1000,
    };
    const v2 = file("v2.jsonl", jsonl(changed));

    const diff = await cli.run(["diff", v2]);
    expectExit(diff, 3);
    expect(diff.stdout).toMatch(
      /~ nightly\n\s+expression:\s+"0 3 \* \* \*" → "0 4 \* \* \*"\n\s+payload:\s+\{"report":"sales"\} → \{"report":"costs"\}\n\s+jitterMs:\s+\(none\) → 1000\n/,
    );

    const applied = await cli.json<Plan>(["apply", v2]);
    expect(applied.plan).toEqual([
      {
        action: "change",
        id: "nightly",
        line: 1,
        fields: [
          { field: "expression", stored: "0 3 * * *", given: "0 4 * * *" },
          { field: "payload", stored: { report: "sales" }, given: { report: "costs" } },
          { field: "jitterMs", stored: null, given: 1000 },
        ],
      },
    ]);
    const after = await shown("nightly");
    expect(after.expression).toBe("0 4 * * *");
    // 04:00 in Berlin, one hour after the 03:00 it replaced.
    expect(Date.parse(after.nextRunAt) - Date.parse(before.nextRunAt)).toBe(3_600_000);
    const history = await cli.json<{ scheduleId: string }[]>(["history", "nightly"]);
    expect(history).toHaveLength(1);
    expectExit(await cli.run(["diff", v2]), 0);
  });

  it("pauses and resumes through the state field", async () => {
    expectExit(await cli.run(["apply", file("a.jsonl", jsonl(NIGHTLY, OFTEN))]), 0);
    const flipped = file(
      "b.jsonl",
      jsonl({ ...NIGHTLY, state: "PAUSED" }, { ...OFTEN, state: "ENABLED" }),
    );
    expectExit(await cli.run(["apply", flipped]), 0);
    expect((await shown("nightly")).state).toBe("PAUSED");
    expect((await shown("often")).state).toBe("ENABLED");
  });

  it("prunes only with --yes when there is no terminal, showing the removal first", async () => {
    expectExit(await cli.run(["apply", file("all.jsonl", jsonl(NIGHTLY, OFTEN, ONCE))]), 0);
    const fewer = file("fewer.jsonl", jsonl({ ...NIGHTLY, expression: "0 5 * * *" }));

    const refused = await cli.run(["apply", fewer, "--prune"]);
    expectExit(refused, 1);
    expect(refused.stdout).toMatch(/^- often .*\n- once .*\n~ nightly\n/);
    expect(refused.stderr).toMatch(/pass --yes/);
    expect((await shown("nightly")).expression).toBe("0 3 * * *");
    expectExit(await cli.run(["show", "often"]), 0);

    const withoutPrune = await cli.run(["diff", fewer, "--json"]);
    expectExit(withoutPrune, 3);
    expect((JSON.parse(withoutPrune.stdout) as Plan).plan.map((step) => step.action)).toEqual([
      "change",
    ]);

    const pruned = await cli.json<Plan>(["apply", fewer, "--prune", "--yes"]);
    expect(pruned.applied).toEqual([
      { action: "remove", id: "often" },
      { action: "remove", id: "once" },
      { action: "change", id: "nightly" },
    ]);
    expectExit(await cli.run(["show", "often"]), 1);
    expectExit(await cli.run(["diff", fewer, "--prune"]), 0);
  });

  it("asks on a terminal before pruning, and applies nothing when the answer is no", async () => {
    expectExit(await cli.run(["apply", file("all.jsonl", jsonl(NIGHTLY, OFTEN))]), 0);
    const fewer = file("fewer.jsonl", jsonl({ ...NIGHTLY, expression: "0 5 * * *" }));
    const declined = await cli.runOnTerminal(["apply", fewer, "--prune"], "n\n");
    expect(declined.stdout).toMatch(
      /remove 1 schedule\(s\) and their run history, and apply the rest\? \[y\/N\]/,
    );
    expect(declined.stdout).toMatch(/kept: nothing was applied/);
    expect((await shown("nightly")).expression).toBe("0 3 * * *");
    expectExit(await cli.run(["show", "often"]), 0);
    const accepted = await cli.runOnTerminal(["apply", fewer, "--prune"], "y\n");
    expect(accepted.stdout).toMatch(/applied: 0 added, 1 changed, 1 removed/);
    expectExit(await cli.run(["show", "often"]), 1);
  });

  it("applies nothing when one line is refused, naming the line, and exits 1", async () => {
    expectExit(await cli.run(["apply", file("a.jsonl", jsonl(NIGHTLY))]), 0);
    const bad = file(
      "bad.jsonl",
      jsonl({ ...NIGHTLY, expression: "0 6 * * *" }, OFTEN, {
        id: "broken",
        job: "report",
        expression: "0 25 * * *",
      }),
    );
    for (const command of ["apply", "diff"]) {
      const result = await cli.run([command, bad]);
      expectExit(result, 1);
      expect(result.stderr).toMatch(
        /refused: line 3 \(cron hour\): cron hour "25" is out of range/,
      );
    }
    expect((await shown("nightly")).expression).toBe("0 3 * * *");
    expectExit(await cli.run(["show", "often"]), 1);
  });

  it("changes nothing on --dry-run, and exits 0 when there is nothing to do", async () => {
    const dry = await cli.run(["apply", file("a.jsonl", jsonl(NIGHTLY)), "--dry-run"]);
    expectExit(dry, 0);
    expect(dry.stdout).toMatch(/^\+ nightly/);
    expect(dry.stderr).toMatch(/dry run: nothing was applied/);
    expectExit(await cli.run(["show", "nightly"]), 1);
    expectExit(await cli.run(["apply", "a.jsonl"]), 0);
    const again = await cli.run(["apply", "a.jsonl"]);
    expectExit(again, 0);
    expect(again.stdout).toBe("plan: 0 to add, 0 to change, 0 to remove, 1 unchanged\n");
  });

  it("refuses one id given to two different schedules in the file", async () => {
    const result = await cli.run([
      "apply",
      file("twice.jsonl", jsonl(NIGHTLY, { ...NIGHTLY, expression: "0 9 * * *" })),
    ]);
    expectExit(result, 1);
    expect(result.stderr).toMatch(
      /line 2 \(id\): schedule "nightly" already exists: line 1 gives this id/,
    );
  });
});
