/**
 * `run` and `tick` on DynamoDB: they send runs to the stack's topic and queue, and refuse,
 * writing nothing, when they are not told where those are.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInvocations, type Invocations, newTableEnvironment } from "./aws.js";
import { type Cli, createCli, expectExit } from "./support.js";

interface RunView {
  runId: string;
  status: string;
}

describe("run and tick on DynamoDB", () => {
  let cli: Cli;
  let invocations: Invocations;
  let transport: string[];

  beforeAll(async () => {
    invocations = await createInvocations();
    transport = ["--topic-arn", invocations.topicArn, "--queue-url", invocations.queueUrl];
    cli = createCli(await newTableEnvironment());
    await cli.json([
      "add",
      "hello",
      "--schedule",
      "rate(1 hour)",
      "--id",
      "standard",
      "--payload",
      '{"n":1}',
    ]);
    await cli.json(["add", "hello", "--schedule", "rate(1 hour)", "--id", "precise", "--precise"]);
  });
  afterAll(() => cli.dispose());

  it.each([
    { args: ["run", "standard"], says: /--topic-arn ARN \(LAMBDA_SCHEDULER_TOPIC_ARN\)/ },
    {
      args: ["run", "precise", "--topic-arn", "arn:aws:sns:us-east-1:123456789012:x"],
      says: /--queue-url URL/,
    },
    { args: ["tick"], says: /--topic-arn ARN and --queue-url URL/ },
  ])("refuses $args without the transport, exit 2, writing nothing", async ({ args, says }) => {
    const result = await cli.run(args);
    expectExit(result, 2);
    expect(result.stderr).toMatch(says);
    expect(await cli.json(["history", "standard"])).toEqual([]);
    expect(await cli.json(["history", "precise"])).toEqual([]);
  });

  it("sends a run now through the topic, and a precise one to the queue", async () => {
    const standard = await cli.json<{ status: string; run: RunView }>([
      "run",
      "standard",
      ...transport,
    ]);
    expect(standard).toMatchObject({ status: "dispatched", run: { status: "DISPATCHED" } });
    const precise = await cli.json<{ run: RunView }>([
      "run",
      "precise",
      "--queue-url",
      invocations.queueUrl,
    ]);
    const received = await invocations.receive();
    expect(received.map((envelope) => [envelope.runId, envelope.payload]).sort()).toEqual(
      [
        [standard.run.runId, { n: 1 }],
        [precise.run.runId, {}],
      ].sort(),
    );
  });

  it("ticks: claims the due runs and sends them, with the transport from the environment", async () => {
    const env = {
      LAMBDA_SCHEDULER_TOPIC_ARN: invocations.topicArn,
      LAMBDA_SCHEDULER_QUEUE_URL: invocations.queueUrl,
    };
    const { summary } = await cli.json<{ summary: Record<string, number> }>(["tick"], { env });
    expect(summary).toMatchObject({ claimed: 2, dispatched: 2, failed: 0 });
    const received = await invocations.receive();
    expect(received.map((envelope) => envelope.scheduleId).sort()).toEqual(["precise", "standard"]);
    const history = await cli.json<RunView[]>(["history", "standard"]);
    // The run-now of the test before; the tick keeps no record of a run until it starts.
    expect(history.map((run) => run.status)).toEqual(["DISPATCHED"]);
    const again = await cli.run(["tick"], { env });
    expectExit(again, 0);
    expect(again.stdout).toBe("claimed 0\n");
  });
});
