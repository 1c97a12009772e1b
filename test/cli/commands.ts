/**
 * The management commands, run against one store: the same suite runs on the embedded store
 * (commands.sqlite.test.ts) and on DynamoDB (commands.dynamodb.test.ts). Tests in a file run
 * in order and build on each other's schedules, to keep the number of spawned processes down.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunStatus } from "../../src/store/types.js";
import { type Case, REFUSED, USAGE } from "./cases.js";
import { type Cli, createCli, expectExit, JOBS } from "./support.js";

/** A store the suite runs against. */
export interface StoreUnderTest {
  readonly name: string;
  /** The environment that points the CLI at a new, empty store. */
  newStore(): Promise<Record<string, string>>;
  /** Options `run` needs on this store (the transport on DynamoDB). */
  runArgs(): readonly string[];
  /** Status of a run made by `run` without `--jobs`. */
  readonly runStatus: RunStatus;
  /** Run every refused and usage case here, not only those marked `everyStore`. */
  readonly everyCase: boolean;
}

interface Added {
  status: string;
  schedule: Record<string, unknown> & { id: string };
}

/** Defines the command suite for one store. */
export function describeCommands(store: StoreUnderTest): void {
  describe(`the CLI on ${store.name}`, () => {
    let cli: Cli;
    let greetId = "";
    /** The store as options, as a user types it: `--table NAME` or `--db PATH`. */
    let storeFlags: string[] = [];

    beforeAll(async () => {
      const env = await store.newStore();
      const table = env.LAMBDA_SCHEDULER_TABLE;
      storeFlags =
        table === undefined ? ["--db", env.LAMBDA_SCHEDULER_DB ?? ""] : ["--table", table];
      cli = createCli(env);
    });
    afterAll(() => cli.dispose());

    const exported = async (): Promise<string> => {
      const result = await cli.run(["export"]);
      expectExit(result, 0);
      return result.stdout;
    };

    it("adds a schedule with an id derived from job, schedule and payload", async () => {
      const added = await cli.json<Added>([
        "add",
        "greet",
        "--schedule",
        "rate(1 hour)",
        "--payload",
        '{"name":"Ada"}',
        "--jobs",
        JOBS,
      ]);
      expect(added.status).toBe("added");
      expect(added.schedule).toMatchObject({
        job: "greet",
        state: "ENABLED",
        payload: { name: "Ada" },
      });
      expect(added.schedule.id).toMatch(/^greet-[0-9a-f]{16}$/);
      expect(added.schedule.nextRunAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      greetId = added.schedule.id;
    });

    it("says unchanged, and exits 0, when the same schedule is added again", async () => {
      const again = await cli.run([
        "add",
        "greet",
        "--schedule",
        "rate(1 hour)",
        "--payload",
        '{ "name": "Ada" }',
      ]);
      expectExit(again, 0);
      expect(again.stdout).toBe(`unchanged: schedule ${greetId} already exists\n`);
    });

    it("takes every option of add", async () => {
      writeFileSync(join(cli.cwd, "payload.json"), '{"name":"Grace","times":2}');
      const { schedule } = await cli.json<Added>([
        "add",
        "greet",
        "--schedule",
        "0 9 * * MON-FRI",
        "--payload-file",
        "payload.json",
        "--tz",
        "Europe/Berlin",
        "--id",
        "every-option",
        "--start",
        "2098-01-05T00:00:00Z",
        "--end",
        "2099-01-01T00:00:00Z",
        "--max-runs",
        "10",
        "--no-immediate",
        "--catch-up",
        "all",
        "--max-lateness",
        "5m",
        "--overlap",
        "skip",
        "--jitter",
        "1m30s",
        "--precise",
        "--jobs",
        JOBS,
      ]);
      expect(schedule).toMatchObject({
        id: "every-option",
        expression: "0 9 * * MON-FRI",
        timezone: "Europe/Berlin",
        payload: { name: "Grace", times: 2 },
        startAt: "2098-01-05T00:00:00.000Z",
        endAt: "2099-01-01T00:00:00.000Z",
        maxRuns: 10,
        firstRun: "scheduled",
        catchUp: "all",
        maxLatenessMs: 300_000,
        overlap: "skip",
        jitterMs: 90_000,
        precise: true,
        description: "at 09:00 Europe/Berlin, Monday through Friday",
      });
    });

    it("reads the payload from standard input with --payload -", async () => {
      const { schedule } = await cli.json<Added>(
        [
          "add",
          "greet",
          "--schedule",
          "rate(1 day)",
          "--id",
          "from-stdin",
          "--payload",
          "-",
          "--start",
          "2099-01-01T00:00:00Z",
        ],
        { input: '{"name":"stdin"}\n' },
      );
      expect(schedule.payload).toEqual({ name: "stdin" });
    });

    const refused = REFUSED.filter((c) => store.everyCase || c.everyStore === true);
    const usage = USAGE.filter((c) => store.everyCase || c.everyStore === true);

    describe("refused input", () => {
      let before = "";
      beforeAll(async () => {
        before = await exported();
      });

      const refuses = async ({ args, says }: Case): Promise<void> => {
        const result = await cli.run(args);
        expectExit(result, 1);
        expect(result.stderr).toMatch(says);
        expect(result.stdout).toBe("");
      };
      // Cases that load the jobs module run one at a time: each load bundles it to one file.
      describe.concurrent("without --jobs", () => {
        it.each(refused.filter((c) => !c.args.includes(JOBS)))(
          "refuses $what with exit 1 and says why",
          refuses,
        );
        it.each(usage)("calls $what a usage error, exit 2", async ({ args, says }) => {
          const result = await cli.run(args);
          expectExit(result, 2);
          expect(result.stderr).toMatch(says);
        });
      });
      describe("with --jobs", () => {
        it.each(refused.filter((c) => c.args.includes(JOBS)))(
          "refuses $what with exit 1 and says why",
          refuses,
        );
      });

      it("left the store as it was", async () => {
        expect(await exported()).toBe(before);
      });
    });

    it("lists schedules soonest first, as a table and as JSON", async () => {
      const table = await cli.run(["list"]);
      expectExit(table, 0);
      const lines = table.stdout.trimEnd().split("\n");
      expect(lines[0]).toMatch(/^ID\s+JOB\s+SCHEDULE\s+STATE\s+NEXT RUN \(UTC\)\s+RUNS$/);
      const soonestFirst = [greetId, "every-option", "from-stdin"];
      expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(soonestFirst);
      const listed = await cli.json<{ id: string; nextRunAt: string }[]>(["list"]);
      expect(listed.map((schedule) => schedule.id)).toEqual(soonestFirst);
    });

    it("filters the list by job, state, next run and count", async () => {
      const farFuture = await cli.json<{ id: string }[]>([
        "list",
        "--due-before",
        "2000-01-01T00:00:00Z",
      ]);
      expect(farFuture).toEqual([]);
      const limited = await cli.run(["list", "--limit", "1", "--json"]);
      expect((JSON.parse(limited.stdout) as unknown[]).length).toBe(1);
      expect(limited.stderr).toMatch(/raise --limit/);
      expect(await cli.json<unknown[]>(["list", "--job", "nope"])).toEqual([]);
    });

    it("pauses and resumes, saying when nothing changed", async () => {
      expect((await cli.run(["pause", "from-stdin"])).stdout).toBe(
        "paused: schedule from-stdin (PAUSED)\n",
      );
      expect((await cli.json<Added>(["pause", "from-stdin"])).status).toBe("unchanged");
      const paused = await cli.json<{ id: string; state: string }[]>(["list", "--state", "paused"]);
      expect(paused.map((schedule) => [schedule.id, schedule.state])).toEqual([
        ["from-stdin", "PAUSED"],
      ]);
      const resumed = await cli.json<Added>(["resume", "from-stdin"]);
      expect(resumed).toMatchObject({ status: "resumed", schedule: { state: "ENABLED" } });
    });

    it("updates some options and recomputes the next run", async () => {
      const { status, schedule } = await cli.json<Added>([
        "update",
        "every-option",
        "--schedule",
        "0 6 * * *",
        "--tz",
        "UTC",
        "--no-end",
        "--no-jitter",
        "--no-max-runs",
        "--payload",
        '{"name":"Lin"}',
        "--jobs",
        JOBS,
      ]);
      expect(status).toBe("updated");
      expect(schedule).toMatchObject({
        expression: "0 6 * * *",
        timezone: "UTC",
        payload: { name: "Lin" },
      });
      expect(schedule).not.toHaveProperty("endAt");
      expect(schedule).not.toHaveProperty("jitterMs");
      expect(schedule).not.toHaveProperty("maxRuns");
      expect(schedule.nextRunAt).toMatch(/T06:00:00\.000Z$/);
    });

    it("runs a schedule now without changing it, and shows the run in its history", async () => {
      const before = await cli.json<Added["schedule"]>(["list", "--job", "greet"]);
      const ran = await cli.json<{ run: { runId: string; status: string; manual: boolean } }>([
        "run",
        greetId,
        ...store.runArgs(),
      ]);
      expect(ran.run).toMatchObject({ status: store.runStatus, manual: true });
      expect(await cli.json(["list", "--job", "greet"])).toEqual(before);
      const history = await cli.json<{ runId: string; status: string }[]>(["history", greetId]);
      expect(history.map((run) => [run.runId, run.status])).toEqual([
        [ran.run.runId, store.runStatus],
      ]);
      expect(await cli.json(["history", greetId, "--status", "succeeded"])).toEqual([]);
      const table = await cli.run(["history", greetId]);
      expect(table.stdout).toMatch(/^SCHEDULED \(UTC\)\s+STATUS\s+ATTEMPT\s+DURATION\s+NOTE\n/);
      expect(table.stdout).toContain("run now");
    });

    it("names the store it was given in the commands its hints suggest", async () => {
      const given = storeFlags.join(" ");
      const empty = await cli.run(["list", "--job", "nobody", ...storeFlags]);
      expectExit(empty, 0);
      expect(empty.stderr).toBe(
        `no schedules match; add one with: lambda-scheduler add <job> --schedule EXPR ${given}\n`,
      );
      const ran = await cli.run(["run", greetId, ...store.runArgs(), ...storeFlags]);
      expectExit(ran, 0);
      const hint = ran.stdout + ran.stderr;
      expect(hint).not.toContain("run-now");
      if (storeFlags[0] === "--table") {
        expect(hint).toContain(`see it with: lambda-scheduler history ${greetId} ${given}`);
      } else {
        expect(hint).toContain(`\`lambda-scheduler dev --jobs MODULE ${given}\` runs it`);
      }
    });

    it("shows a schedule with its next 5 fire times and last runs", async () => {
      const shown = await cli.json<{
        schedule: { id: string };
        next: { scheduledAt: string }[];
        runs: unknown[];
      }>(["show", "every-option"]);
      expect(shown.schedule.id).toBe("every-option");
      expect(shown.next).toHaveLength(5);
      expect(shown.next.every((run) => run.scheduledAt.endsWith("T06:00:00.000Z"))).toBe(true);
      expect(shown.runs).toEqual([]);
      const table = await cli.run(["show", greetId]);
      expect(table.stdout).toMatch(/^id:\s+greet-/);
      expect(table.stdout).toMatch(/NEXT RUNS \(UTC\)/);
      expect(table.stdout).toMatch(/SCHEDULED \(UTC\)\s+STATUS/);
    });

    it("exports JSON lines that import into another store as they were", async () => {
      await cli.run(["pause", "from-stdin"]);
      const lines = await exported();
      expect(lines.trimEnd().split("\n")).toHaveLength(3);
      expectExit(await cli.run(["export", "--output", "schedules.jsonl"]), 0);
      expect(readFileSync(join(cli.cwd, "schedules.jsonl"), "utf8")).toBe(lines);
      const other = await store.newStore();
      const imported = await cli.json<{ added: string[]; unchanged: string[]; refused: unknown[] }>(
        ["import", "schedules.jsonl"],
        { env: other },
      );
      expect(imported).toEqual({
        added: [greetId, "every-option", "from-stdin"].sort(),
        unchanged: [],
        refused: [],
      });
      expect((await cli.run(["export"], { env: other })).stdout).toBe(lines);
      const again = await cli.run(["import", "-"], { env: other, input: lines });
      expectExit(again, 0);
      expect(again.stdout).toBe("added 0, unchanged 3, refused 0\n");
    });

    it("imports nothing when a line is refused, naming each refused line and its field", async () => {
      const good =
        '{"id":"imported","job":"greet","expression":"rate(2 days)","payload":{"name":"Imp"}}';
      const file = [
        good,
        "",
        "# a comment",
        "not json",
        '{"job":"greet","expression":"rate(2 dayz)"}',
        '{"job":"greet","expresion":"rate(2 days)"}',
        '{"job":"greet","expression":"rate(3 days)","payload":{"name":""}}',
        '{"id":"done","job":"greet","expression":"rate(3 days)","state":"COMPLETED"}',
        '{"id":"every-option","job":"greet","expression":"rate(3 days)","payload":{"name":"X"}}',
        '{"job":"greet","expression":"rate(3 days)","startAt":null}',
      ].join("\n");
      const result = await cli.run(["import", "-", "--jobs", JOBS], { input: file });
      expectExit(result, 1);
      expect(result.stdout).toBe("added 0, unchanged 0, refused 7\n");
      expect(result.stderr).toMatch(/nothing was imported/);
      expect(result.stderr).not.toMatch(/TypeError|\n\s+at /);
      const refused = result.stderr.split("\n").filter((line) => line.startsWith("refused:"));
      expect(refused.map((line) => line.match(/^refused: line (\d+)/)?.[1])).toEqual([
        "4",
        "5",
        "6",
        "7",
        "8",
        "9",
        "10",
      ]);
      expect(refused[2]).toMatch(/unknown field "expresion"/);
      expect(refused[3]).toMatch(/\(payload\): .*\$\.name/);
      expect(refused[4]).toMatch(/COMPLETED/);
      expect(refused[5]).toMatch(/\(id\): .*already exists/);
      expect(refused[6]).toMatch(/\(startAt\): startAt is null/);
      expectExit(await cli.run(["show", "imported"]), 1);
      const summary = await cli.run(["import", "-", "--jobs", JOBS, "--json"], { input: file });
      expectExit(summary, 1);
      const parsed = JSON.parse(summary.stdout) as { refused: { line: number; field?: string }[] };
      expect(parsed).toMatchObject({ added: [], unchanged: [] });
      expect(parsed.refused.map((refusal) => refusal.line)).toEqual([4, 5, 6, 7, 8, 9, 10]);
      expect(parsed.refused.at(-1)?.field).toBe("startAt");
      const fixed = await cli.run(["import", "-", "--jobs", JOBS], { input: good });
      expectExit(fixed, 0);
      expect(fixed.stdout).toBe("added 1, unchanged 0, refused 0\n");
    });

    it("removes a schedule with --yes, and then does not find it", async () => {
      expect(await cli.json(["remove", "imported", "--yes"])).toEqual({
        status: "removed",
        id: "imported",
      });
      const gone = await cli.run(["show", "imported"]);
      expectExit(gone, 1);
      expect(gone.stderr).toMatch(/schedule "imported" does not exist/);
    });
  });
}
