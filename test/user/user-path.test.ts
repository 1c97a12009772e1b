/**
 * The whole path of a new user, from the packed package: `npm pack`; install the tarball into a
 * fresh project outside this repository (it resolves nothing from here: Node looks for packages
 * only in the project's own node_modules and its parent folders, and the project lives under
 * the system's temporary folder); `lambda-scheduler init`; `npm run build` (the script init
 * added); deploy the built template.yaml to the emulator as the deploy test does (SAM
 * translation, then CloudFormation); import the scaffolded schedules with the installed CLI;
 * one tick and one invoke with the built bundles; and `history` says the scaffolded job's run
 * SUCCEEDED.
 *
 * The install goes through npm's cache (`--prefer-offline`): the package's dependencies are
 * the ones this repository's node_modules was installed with, so no network is needed beyond
 * the npm registry for anything missing from the cache.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { SNSClient } from "@aws-sdk/client-sns";
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBundle } from "../deploy/run-bundle.js";
import {
  completeOnEmulator,
  type DeployedStack,
  deployStack,
  physicalIdOf,
  STACK_ACCOUNT,
  STACK_REGION,
} from "../deploy/stack.js";
import { awsClientConfig, awsEndpoint, awsEnvironment } from "../support/aws.js";
import { scheduledEvent, sqsEvent, sqsRecordFromMessage } from "../support/events.js";
import { startUiProcess } from "../support/ui-process.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The project's environment: this Node first on PATH (npm scripts and bin shebangs use it). */
function projectEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`,
    ...awsEnvironment(),
    NO_COLOR: "1",
  };
}

describe("a new user's project, from npm pack to a SUCCEEDED run on the emulator", () => {
  let work: string;
  let project: string;
  const lambda = new LambdaClient(awsClientConfig());
  const sqs = new SQSClient(awsClientConfig());
  const sns = new SNSClient(awsClientConfig());

  beforeAll(async () => {
    if (!existsSync(join(ROOT, "dist/lib/cli/main.js"))) {
      throw new Error("the user path packs the built package: run npm run build first");
    }
    work = await mkdtemp(join(tmpdir(), "lambda-scheduler-user-"));
    project = join(work, "my-schedules");
    await mkdir(project);
  });

  afterAll(async () => {
    for (const client of [lambda, sqs, sns]) client.destroy();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  /** The installed CLI's entry point. */
  const installedCli = () => join(project, "node_modules/lambda-scheduler/bin/lambda-scheduler.js");

  /** The installed CLI, run from the project the way `npx lambda-scheduler` would. */
  async function cli(...args: string[]): Promise<string> {
    const { stdout } = await run(process.execPath, [installedCli(), ...args], {
      cwd: project,
      env: projectEnv(),
    });
    return stdout;
  }

  /** Runs the stack's function `logicalId` on `bundle` of the build, as Lambda would. */
  async function runFunction(
    stack: DeployedStack,
    logicalId: string,
    bundle: string,
    event: unknown,
  ) {
    const config = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: physicalIdOf(stack, logicalId) }),
    );
    return runBundle(
      config,
      join(project, ".lambda-scheduler/build", bundle),
      event,
      awsEndpoint(),
    );
  }

  it("packs, installs, scaffolds, builds, deploys, ticks, invokes and shows the dashboard", async () => {
    const { stdout: packed } = await run("npm", ["pack", "--pack-destination", work, "--silent"], {
      cwd: ROOT,
      env: projectEnv(),
    });
    const tarball = join(work, packed.trim().split("\n").pop() ?? "");
    await writeFile(
      join(project, "package.json"),
      `${JSON.stringify({ name: "my-schedules", version: "1.0.0", private: true, scripts: { test: "echo ok" } }, null, 2)}\n`,
    );
    await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], {
      cwd: project,
      env: projectEnv(),
    });
    // The project sees only what it installed.
    expect(existsSync(join(project, "node_modules/lambda-scheduler/src"))).toBe(false);

    const scaffolded = await cli("init");
    expect(scaffolded).toMatch(/created jobs\/index\.ts/);
    expect(scaffolded).toMatch(/added {3}package\.json scripts: dev, build, deploy/);
    const manifest = JSON.parse(await readFile(join(project, "package.json"), "utf8"));
    expect(manifest.scripts).toMatchObject({
      test: "echo ok",
      build: "lambda-scheduler build --jobs jobs/index.ts",
    });

    const { stdout: built } = await run("npm", ["run", "build", "--silent"], {
      cwd: project,
      env: projectEnv(),
    });
    expect(built).toMatch(/\.lambda-scheduler\/build\/invoke\.mjs/);
    const template = join(project, ".lambda-scheduler/build/template.yaml");
    expect(await readFile(template, "utf8")).toMatch(/^\s+CodeUri: \.$/m);

    // deployStack deploys ./template.yaml with the code in ./dist, as in this repository: give
    // it the build's template and bundles in that layout.
    const stage = join(work, "stage");
    await mkdir(stage);
    await cp(template, join(stage, "template.yaml"));
    await symlink(join(project, ".lambda-scheduler/build"), join(stage, "dist"));
    const cwd = process.cwd();
    let stack: DeployedStack;
    process.chdir(stage);
    try {
      stack = await deployStack();
    } finally {
      process.chdir(cwd);
    }
    const table = stack.outputs.ScheduleTableName ?? "";
    const queueUrl = stack.outputs.InvocationsQueueUrl ?? "";
    const _topicArn = stack.outputs.InvocationsTopicArn ?? "";

    await completeOnEmulator(stack, { lambda, sqs, sns });
    const { Attributes: queue = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
    );

    // The scaffolded schedules, checked against the scaffolded jobs, into the deployed table.
    expect(
      await cli("import", "schedules.jsonl", "--table", table, "--jobs", "jobs/index.ts"),
    ).toMatch(/added/);

    const rule = `arn:aws:events:${STACK_REGION}:${STACK_ACCOUNT}:rule/${physicalIdOf(stack, "TickFunctionTick")}`;
    const summary = await runFunction(stack, "TickFunction", "tick.mjs", scheduledEvent(rule));
    expect(summary).toMatchObject({ claimed: 1, dispatched: 1 });

    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 5,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
      }),
    );
    expect(Messages).toHaveLength(1);
    const response = await runFunction(
      stack,
      "InvokeFunction",
      "invoke.mjs",
      sqsEvent(...Messages.map((message) => sqsRecordFromMessage(message, queue.QueueArn ?? ""))),
    );
    expect(response).toEqual({ batchItemFailures: [] });

    const history = JSON.parse(
      await cli("history", "hello-every-minute", "--table", table, "--json"),
    );
    expect(history).toEqual([
      expect.objectContaining({ status: "SUCCEEDED", result: { greeted: "world" } }),
    ]);

    // The dashboard from the installed package: its page and assets ship in the tarball.
    const ui = await startUiProcess(installedCli(), ["--table", table], {
      cwd: project,
      env: projectEnv(),
    });
    try {
      for (const path of ["/", "/assets/app.js", "/assets/style.css"]) {
        expect((await fetch(`${ui.origin}${path}`)).status).toBe(200);
      }
      const snapshot = (await (await fetch(`${ui.origin}/api/snapshot`)).json()) as {
        schedules: { id: string; lastRun?: { status: string } }[];
      };
      expect(snapshot.schedules.map((schedule) => schedule.id)).toEqual(["hello-every-minute"]);
    } finally {
      await ui.stop();
    }
  }, 180_000);
});
