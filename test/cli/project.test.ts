/**
 * The commands that set a user's project up and deploy it: init, deploy (without and with the
 * SAM CLI), create-table and doctor. build is played end to end in test/user/.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SNSClient } from "@aws-sdk/client-sns";
import { SetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, describe, expect, it } from "vitest";
import { scheduleTableInput } from "../../src/store/dynamodb/table.js";
import { createQueue, createTopicWithQueue } from "../dispatch/aws-queues.js";
import { awsClientConfig, awsEnvironment, uniqueName } from "../support/aws.js";
import { createCli, JOBS } from "./support.js";

describe("init", () => {
  const cli = createCli();
  afterAll(() => cli.dispose());

  it("scaffolds once, and the second time leaves every file as it was", async () => {
    const first = await cli.run(["init", "app"]);
    expect(first.code).toBe(0);
    expect(first.stdout.split("\n").filter(Boolean)).toEqual([
      "created app/jobs/index.ts",
      "created app/schedules.jsonl",
      "created app/.gitignore",
      "created app/package.json",
    ]);
    writeFileSync(join(cli.cwd, "app/jobs/index.ts"), "// mine\n");
    const second = await cli.run(["init", "app", "--json"]);
    expect(JSON.parse(second.stdout)).toEqual({
      created: [],
      left: ["jobs/index.ts", "schedules.jsonl", ".gitignore", "package.json"],
      scripts: { added: [], kept: ["dev", "build", "deploy"] },
    });
    expect(readFileSync(join(cli.cwd, "app/jobs/index.ts"), "utf8")).toBe("// mine\n");
  });

  it("adds its scripts to an existing package.json without replacing one", async () => {
    mkdirSync(join(cli.cwd, "existing"));
    const manifest = { name: "existing", scripts: { build: "tsc" }, dependencies: { zod: "^4" } };
    writeFileSync(join(cli.cwd, "existing/package.json"), JSON.stringify(manifest));
    const result = await cli.run(["init", "existing"]);
    expect(result.stdout).toMatch(/added {3}package\.json scripts: dev, deploy/);
    expect(result.stdout).toMatch(/kept {4}package\.json scripts: build \(exist\)/);
    expect(JSON.parse(readFileSync(join(cli.cwd, "existing/package.json"), "utf8"))).toEqual({
      ...manifest,
      scripts: {
        build: "tsc",
        dev: "lambda-scheduler dev --jobs jobs/index.ts --seed schedules.jsonl",
        deploy: "lambda-scheduler deploy",
      },
    });
  });
});

describe("deploy", () => {
  const cli = createCli();
  afterAll(() => cli.dispose());
  const build = join(cli.cwd, ".lambda-scheduler/build");

  it("asks for a build first", async () => {
    const result = await cli.run(["deploy"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /no built template at \.lambda-scheduler\/build\/template\.yaml: run lambda-scheduler build/,
    );
  });

  it("without the SAM CLI prints the one command to run, and exits 1", async () => {
    mkdirSync(build, { recursive: true });
    writeFileSync(join(build, "template.yaml"), "Resources: {}\n");
    const result = await cli.run(["deploy"], { env: { PATH: "/nonexistent" } });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      "sam deploy --template-file .lambda-scheduler/build/template.yaml --guided\n",
    );
    expect(result.stderr).toMatch(/sam\) is not on PATH/);
  });

  it("runs sam deploy with the arguments after --, and exits with its code", async () => {
    const bin = join(cli.cwd, "bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "sam"), '#!/bin/sh\necho "sam $*"\nexit 3\n');
    chmodSync(join(bin, "sam"), 0o755);
    const result = await cli.run(["deploy", "--", "--stack-name", "mine"], {
      env: { PATH: `${bin}:${process.env.PATH}` },
    });
    expect(result.stdout).toBe(
      "sam deploy --template-file .lambda-scheduler/build/template.yaml --stack-name mine\n",
    );
    expect(result.code).toBe(1);
  });
});

describe("create-table and doctor", () => {
  const table = uniqueName("project-table");
  const cli = createCli({ ...awsEnvironment(), LAMBDA_SCHEDULER_TABLE: table });
  const sns = new SNSClient(awsClientConfig());
  const sqs = new SQSClient(awsClientConfig());
  afterAll(() => {
    cli.dispose();
    sns.destroy();
    sqs.destroy();
  });

  it("creates the table with its shard count, and a second time changes nothing", async () => {
    const first = await cli.run(["create-table", "--due-shards", "8"]);
    expect(first.stdout).toBe(`created: table ${table} (8 due shards, TTL on expiresAt)\n`);
    const again = await cli.json(["create-table", "--json"]);
    expect(again).toEqual({ table, created: false, dueShards: 8, ttl: "expiresAt" });
    const other = await cli.run(["create-table", "--due-shards", "4"]);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(
      /records 8 due shards, but this process was configured with 4 \(--due-shards\)/,
    );
  });

  it("finds each problem of a setup, with its fix, and exits 1; then passes once fixed", async () => {
    const dlq = await createQueue(sqs, "project-dlq");
    const { topicArn, queue } = await createTopicWithQueue(sns, sqs, "project-invocations");
    const redrive = (maxReceiveCount: number) =>
      sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: queue.url,
          Attributes: {
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount }),
          },
        }),
      );
    await redrive(3);
    expect(
      (await cli.run(["add", "nope", "--id", "orphan", "--schedule", "rate(1 hour)"])).code,
    ).toBe(0);
    const args = ["doctor", "--jobs", JOBS, "--topic-arn", topicArn, "--queue-url", queue.url];

    const sick = await cli.run([...args, "--json"], { env: { LAMBDA_SCHEDULER_DUE_SHARDS: "32" } });
    expect(sick.code).toBe(1);
    const report = JSON.parse(sick.stdout) as { problems: { problem: string; fix: string }[] };
    expect(report.problems.map((p) => p.problem)).toEqual([
      expect.stringMatching(/records 8 due shards, but LAMBDA_SCHEDULER_DUE_SHARDS is 32/),
      expect.stringMatching(/after 3 receives, but job "greet" makes up to 3 attempts/),
      expect.stringMatching(/1 schedule\(s\) name job "nope", which .* does not define \(orphan\)/),
    ]);
    expect(report.problems.map((p) => p.fix)).toEqual([
      "unset LAMBDA_SCHEDULER_DUE_SHARDS, or set it to 8",
      expect.stringMatching(/MaxReceiveCount=4/),
      expect.stringMatching(new RegExp(`lambda-scheduler remove orphan --table ${table}$`)),
    ]);

    await redrive(10);
    expect((await cli.run(["remove", "orphan", "--yes"])).code).toBe(0);
    const healthy = await cli.run(args);
    expect(healthy.stderr).toBe("no problem found\n");
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toMatch(/ok +index due/);
    expect(healthy.stdout).toMatch(/ok +index runs/);
    expect(healthy.stdout).toMatch(/ok +dead-letter queue/);
  });

  it("says a table made before the runs index lacks it, and how to add it", async () => {
    const older = uniqueName("project-older");
    const input = scheduleTableInput(older);
    const dynamo = new DynamoDBClient(awsClientConfig());
    await dynamo.send(
      new CreateTableCommand({
        ...input,
        AttributeDefinitions: input.AttributeDefinitions?.filter(
          (a) => a.AttributeName !== "runShard" && a.AttributeName !== "scheduledAt",
        ),
        GlobalSecondaryIndexes: input.GlobalSecondaryIndexes?.filter((i) => i.IndexName === "due"),
      }),
    );
    dynamo.destroy();
    const result = await cli.run(["doctor", "--table", older, "--json"]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { problems: { problem: string; fix: string }[] };
    expect(report.problems).toContainEqual({
      problem: `table ${older} has no "runs" index: \`lambda-scheduler runs\` cannot list runs across schedules`,
      fix: "add the global secondary index runs: partition runShard (S), sort scheduledAt (N), projection INCLUDE job, expiresAt (as template.yaml declares it)",
    });
  });

  it("says a table that does not exist is a problem, and how to make one", async () => {
    const result = await cli.run(["doctor", "--table", "no-such-table"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/problem +table no-such-table does not exist/);
    expect(result.stdout).toMatch(/fix: .*lambda-scheduler create-table --table no-such-table/);
  });
});
