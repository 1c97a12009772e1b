/**
 * `import --from-eventbridge` against the emulator's EventBridge Scheduler API, into the
 * embedded store: the mapping table, all or nothing, `--dry-run`, `--skip-refused` and
 * `--disable-source`. Each test works on a schedule group of its own (`--group`), since the
 * emulator is shared.
 */
import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  GetScheduleCommand,
  SchedulerClient,
} from "@aws-sdk/client-scheduler";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { awsClientConfig, awsEnvironment, uniqueName } from "../support/aws.js";
import { type Cli, createCli, expectExit } from "./support.js";

const REPORT_ARN = "arn:aws:lambda:us-east-1:123456789012:function:report";
const OTHER_ARN = "arn:aws:lambda:us-east-1:123456789012:function:unknown";
const ROLE = "arn:aws:iam::123456789012:role/scheduler";

const scheduler = new SchedulerClient(awsClientConfig());

/** The source schedules every test starts from: two that map, two that cannot, one at(). */
async function createSources(group: string): Promise<void> {
  await scheduler.send(new CreateScheduleGroupCommand({ Name: group }));
  const base = { GroupName: group, FlexibleTimeWindow: { Mode: "OFF" as const } };
  const target = (extra: Record<string, unknown> = {}) => ({
    Arn: REPORT_ARN,
    RoleArn: ROLE,
    ...extra,
  });
  await scheduler.send(
    new CreateScheduleCommand({
      ...base,
      Name: "nightly",
      ScheduleExpression: "cron(0 3 * * ? *)",
      ScheduleExpressionTimezone: "Europe/Berlin",
      StartDate: new Date("2030-01-01T00:00:00Z"),
      EndDate: new Date("2031-01-01T00:00:00Z"),
      FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 5 },
      Target: target({
        Input: '{"report":"sales","days":7}',
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 },
      }),
    }),
  );
  await scheduler.send(
    new CreateScheduleCommand({
      ...base,
      Name: "often",
      ScheduleExpression: "rate(5 minutes)",
      State: "DISABLED",
      Target: target(),
    }),
  );
  await scheduler.send(
    new CreateScheduleCommand({
      ...base,
      Name: "once",
      ScheduleExpression: "at(2030-06-01T10:00:00)",
      ActionAfterCompletion: "DELETE",
      Target: target({ Input: '{"report":"launch"}' }),
    }),
  );
  await scheduler.send(
    new CreateScheduleCommand({
      ...base,
      Name: "text-input",
      ScheduleExpression: "rate(1 hour)",
      Target: target({ Input: "hello there" }),
    }),
  );
  await scheduler.send(
    new CreateScheduleCommand({
      ...base,
      Name: "other-target",
      ScheduleExpression: "rate(1 day)",
      Target: { Arn: OTHER_ARN, RoleArn: ROLE },
    }),
  );
}

async function sourceState(group: string, name: string): Promise<string | undefined> {
  const schedule = await scheduler.send(new GetScheduleCommand({ Name: name, GroupName: group }));
  return schedule.State;
}

interface Row {
  source: string;
  id?: string;
  status: string;
  reasons: string[];
}

interface Summary {
  mapping: Row[];
  added: string[];
  unchanged: string[];
  refused: { line: number; reason: string }[];
  disabled?: string[];
}

describe("import --from-eventbridge", () => {
  let cli: Cli;
  let group: string;
  let args: string[];

  beforeEach(async () => {
    group = uniqueName("eb-import");
    await createSources(group);
    cli = createCli({ ...awsEnvironment(), LAMBDA_SCHEDULER_DB: "schedules.db" });
    args = ["import", "--from-eventbridge", "--group", group, "--job-for", `${REPORT_ARN}=report`];
  });
  afterEach(() => cli.dispose());

  it("lists every source schedule as mapped or refused with why, and imports nothing when one is refused", async () => {
    const result = await cli.run([...args, "--json"]);
    expectExit(result, 1);
    const summary = JSON.parse(result.stdout) as Summary;
    const rows = Object.fromEntries(summary.mapping.map((row) => [row.source, row]));
    expect(rows[`${group}/nightly`]).toMatchObject({ id: `${group}:nightly`, status: "mapped" });
    expect(rows[`${group}/nightly`]?.reasons.join(" ")).toMatch(
      /RetryPolicy \(3 attempts, 600 s\)/,
    );
    expect(rows[`${group}/once`]?.reasons.join(" ")).toMatch(/ActionAfterCompletion DELETE/);
    expect(rows[`${group}/often`]?.status).toBe("mapped");
    expect(rows[`${group}/text-input`]).toMatchObject({ status: "refused" });
    expect(rows[`${group}/text-input`]?.reasons.join(" ")).toMatch(/Target.Input is not JSON/);
    expect(rows[`${group}/other-target`]).toMatchObject({ status: "refused" });
    expect(rows[`${group}/other-target`]?.reasons.join(" ")).toContain(
      `target ${OTHER_ARN} has no job: give --job-for ${OTHER_ARN}=JOB`,
    );
    expect(summary.added).toEqual([]);
    expect((await cli.run(["export"])).stdout).toBe("");
    expect(await sourceState(group, "nightly")).toBe("ENABLED");
  });

  it("prints the table for people, one row per source schedule", async () => {
    const result = await cli.run(args);
    expectExit(result, 1);
    expect(result.stdout).toMatch(/^SOURCE\s+ID\s+EXPRESSION\s+ZONE\s+RESULT\s+WHY/);
    expect(result.stdout).toMatch(new RegExp(`${group}/text-input .* refused .*not JSON`));
    expect(result.stderr).toMatch(/nothing was imported/);
  });

  it("writes nothing on a dry run, here or in EventBridge", async () => {
    const result = await cli.run([...args, "--skip-refused", "--dry-run", "--json"]);
    expectExit(result, 0);
    expect((JSON.parse(result.stdout) as Summary).added).toEqual([]);
    expect((await cli.run(["export"])).stdout).toBe("");
    expect(await sourceState(group, "nightly")).toBe("ENABLED");
  });

  it("imports what maps with --skip-refused, field by field, and disables only those sources", async () => {
    const summary = await cli.json<Summary>([...args, "--skip-refused", "--disable-source"]);
    expect(summary.added.sort()).toEqual([`${group}:nightly`, `${group}:often`, `${group}:once`]);
    expect(summary.disabled?.sort()).toEqual([
      `${group}/nightly`,
      `${group}/often`,
      `${group}/once`,
    ]);
    const lines = (await cli.run(["export"])).stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const byId = Object.fromEntries(lines.map((line) => [line.id, line]));
    expect(byId[`${group}:nightly`]).toMatchObject({
      job: "report",
      expression: "cron(0 3 * * ? *)",
      timezone: "Europe/Berlin",
      payload: { report: "sales", days: 7 },
      startAt: "2030-01-01T00:00:00.000Z",
      endAt: "2031-01-01T00:00:00.000Z",
      jitterMs: 300_000,
      state: "ENABLED",
    });
    expect(byId[`${group}:often`]).toMatchObject({
      expression: "rate(5 minutes)",
      state: "PAUSED",
    });
    expect(byId[`${group}:once`]).toMatchObject({ expression: "at(2030-06-01T10:00:00)" });
    expect(await sourceState(group, "nightly")).toBe("DISABLED");
    expect(await sourceState(group, "once")).toBe("DISABLED");
    expect(await sourceState(group, "text-input")).toBe("ENABLED");
    expect(await sourceState(group, "other-target")).toBe("ENABLED");
    const again = await cli.json<Summary>([...args, "--skip-refused"]);
    expect(again.added).toEqual([]);
    expect(again.unchanged).toHaveLength(3);
  });

  it.each([
    [["import", "--from-eventbridge", "x.jsonl"], /two sources/],
    [["import", "--from-eventbridge", "--disable-source", "--dry-run"], /exclude each other/],
    [["import", "--from-eventbridge", "--job-for", "no-equals-sign"], /TARGET_ARN=JOB/],
    [["import", "--group", "g", "x.jsonl"], /--group goes with --from-eventbridge only/],
  ])("refuses the command line %j as a usage error", async (argv, message) => {
    const result = await cli.run(argv);
    expectExit(result, 2);
    expect(result.stderr).toMatch(message);
  });
});

describe("export --format eventbridge", () => {
  let cli: Cli;
  beforeEach(() => {
    cli = createCli({ ...awsEnvironment(), LAMBDA_SCHEDULER_DB: "schedules.db" });
  });
  afterEach(() => cli.dispose());

  it("writes documents create-schedule accepts, which import back as the same schedules", async () => {
    const group = uniqueName("eb-export");
    await scheduler.send(new CreateScheduleGroupCommand({ Name: group }));
    const lines = [
      {
        id: `${group}:nightly`,
        job: "report",
        expression: "30 7 * * 1-5",
        timezone: "Europe/Berlin",
        payload: { report: "sales" },
        jitterMs: 120_000,
      },
      { id: `${group}:hourly`, job: "report", expression: "rate(1 hour)", state: "PAUSED" },
      { id: `${group}:fast`, job: "report", expression: "rate(30 seconds)" },
    ];
    const seed = lines.map((line) => JSON.stringify(line)).join("\n");
    expectExit(await cli.run(["import", "-"], { input: seed }), 0);

    const exported = await cli.run([
      "export",
      "--format",
      "eventbridge",
      "--target-arn",
      REPORT_ARN,
      "--role-arn",
      ROLE,
    ]);
    expectExit(exported, 1);
    expect(exported.stderr).toMatch(
      new RegExp(`not exported: ${group}:fast: rate\\(30 seconds\\) is not whole minutes`),
    );
    const documents = exported.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(documents.map((document) => document.Name).sort()).toEqual(["hourly", "nightly"]);
    for (const document of documents) {
      await scheduler.send(
        new CreateScheduleCommand(
          document as unknown as ConstructorParameters<typeof CreateScheduleCommand>[0],
        ),
      );
    }
    const nightly = await scheduler.send(
      new GetScheduleCommand({ Name: "nightly", GroupName: group }),
    );
    expect(nightly).toMatchObject({
      ScheduleExpression: "cron(30 7 ? * 2-6 *)",
      ScheduleExpressionTimezone: "Europe/Berlin",
      FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 2 },
      Target: { Arn: REPORT_ARN, RoleArn: ROLE, Input: '{"report":"sales"}' },
    });
    expect(await sourceState(group, "hourly")).toBe("DISABLED");

    const back = createCli({ ...awsEnvironment(), LAMBDA_SCHEDULER_DB: "back.db" });
    try {
      const summary = await back.json<Summary>([
        "import",
        "--from-eventbridge",
        "--group",
        group,
        "--job-for",
        `${REPORT_ARN}=report`,
      ]);
      expect(summary.added.sort()).toEqual([`${group}:hourly`, `${group}:nightly`]);
      const hourly = JSON.parse(
        (await back.run(["export", "--job", "report"])).stdout.split("\n")[0] ?? "{}",
      ) as Record<string, unknown>;
      expect(hourly).toMatchObject({
        id: `${group}:hourly`,
        expression: "rate(1 hour)",
        state: "PAUSED",
      });
    } finally {
      back.dispose();
    }
  });

  it("says which target fields to fill in when they were not given", async () => {
    expectExit(
      await cli.run(["import", "-"], {
        input: '{"id":"daily","job":"report","expression":"@daily"}',
      }),
      0,
    );
    const exported = await cli.run(["export", "--format", "eventbridge"]);
    expectExit(exported, 0);
    expect(JSON.parse(exported.stdout)).toMatchObject({
      Name: "daily",
      ScheduleExpression: "cron(0 0 ? * * *)",
      Target: { Arn: "FILL-IN-target-arn", RoleArn: "FILL-IN-role-arn", Input: "{}" },
    });
    expect(exported.stderr).toMatch(/fill in Target.Arn \(FILL-IN-target-arn\) and Target.RoleArn/);
  });
});
