import { join } from "node:path";
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeEnvelope } from "../../src/dispatch/envelope.js";
import { openSqliteJournal } from "../../src/local/journal.js";
import { createDynamoStore } from "../../src/store/dynamodb/store.js";
import type { ScheduleStore } from "../../src/store/types.js";
import { createQueue, type TestQueue } from "../dispatch/aws-queues.js";
import { aRun, aSchedule, T0 } from "../store/fixtures.js";
import { awsClientConfig } from "../support/aws.js";
import { serialDynamoClient } from "../support/dynamodb.js";
import { envelope } from "../support/events.js";
import { newTableEnvironment } from "./aws.js";
import { type Cli, createCli, expectExit, JOBS } from "./support.js";

interface RedriveJson {
  readonly dryRun: boolean;
  readonly moved: number;
  readonly reconciled: number;
  readonly left: number;
  readonly items: readonly { runId?: string; outcome: string; status?: string }[];
}

describe("the redrive command on DynamoDB", () => {
  const sqs = new SQSClient(awsClientConfig());
  let cli: Cli;
  let store: ScheduleStore;
  let queue: TestQueue;
  let deadLetters: TestQueue;
  const sent = envelope({ scheduleId: "s1", scheduledAt: new Date(T0).toISOString() });

  const depth = async (of: TestQueue) => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: of.url,
        AttributeNames: ["ApproximateNumberOfMessages"],
      }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
  };
  const queues = () => ["--queue-url", queue.url, "--dead-letter-queue-url", deadLetters.url];

  beforeAll(async () => {
    const env = await newTableEnvironment();
    cli = createCli(env);
    store = createDynamoStore({
      tableName: env.LAMBDA_SCHEDULER_TABLE as string,
      client: serialDynamoClient(),
    });
    await store.createSchedule(aSchedule("s1"));
    await store.createRun(aRun("s1", T0, { status: "FAILED", attempt: 3 }));
    queue = await createQueue(sqs, "cli-redrive");
    deadLetters = await createQueue(sqs, "cli-redrive-dlq");
    await sqs.send(
      new SendMessageCommand({ QueueUrl: deadLetters.url, MessageBody: encodeEnvelope(sent) }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: deadLetters.url, MessageBody: "not JSON" }));
  });
  afterAll(async () => {
    cli.dispose();
    await store.close();
  });

  it("refuses to run without the queues, as a usage error", async () => {
    const result = await cli.run(["redrive", "--queue-url", "https://sqs.example/q"]);
    expectExit(result, 2);
    expect(result.stderr).toContain("--dead-letter-queue-url URL");
  });

  it("lists what would move on a dry run, and changes nothing", async () => {
    const dry = await cli.json<RedriveJson>(["redrive", ...queues(), "--dry-run", "--json"]);
    expect(dry).toMatchObject({ dryRun: true, moved: 0, reconciled: 1, left: 2 });
    expect(dry.items.map((item) => [item.runId, item.outcome, item.status])).toEqual(
      expect.arrayContaining([
        [sent.runId, "would-move", "FAILED"],
        [undefined, "undecodable", undefined],
      ]),
    );
    expect(await depth(deadLetters)).toBe(2);
    expect(await depth(queue)).toBe(0);
    expect((await store.getRun("s1", T0))?.status).toBe("FAILED");
  });

  it("moves the occurrence back, makes its run startable, and leaves what it cannot decode", async () => {
    const result = await cli.run(["redrive", ...queues()]);
    expectExit(result, 0);
    expect(result.stdout).toContain(sent.runId);
    expect(result.stderr).toContain(
      "1 moved, 1 run(s) reconciled, 1 left on the dead-letter queue",
    );
    expect(await depth(queue)).toBe(1);
    expect(await depth(deadLetters)).toBe(1);
    expect((await store.getRun("s1", T0))?.status).toBe("RETRYING");
  });
});

describe("the redrive command on the embedded store", () => {
  it("moves the dead letters dev kept in the file back to its queue, and reconciles the run", async () => {
    const cli = createCli({ LAMBDA_SCHEDULER_DB: "schedules.db" });
    try {
      const add = ["add", "broken", "--id", "fragile", "--schedule", "rate(1 hour)"];
      expectExit(await cli.run([...add, "--no-immediate", "--jobs", JOBS]), 0);
      // Run here: it FAILED, and its message is gone with the process.
      expectExit(await cli.run(["run", "fragile", "--jobs", JOBS]), 1);
      const [run] = await cli.json<{ runId: string; scheduledAt: string; status: string }[]>([
        "history",
        "fragile",
      ]);
      if (run === undefined) throw new Error("the failed run was not recorded");
      // What dev keeps when the queue gives up on the run's message.
      const journal = openSqliteJournal(join(cli.cwd, "schedules.db"));
      const body = encodeEnvelope(
        envelope({ scheduleId: "fragile", job: "broken", scheduledAt: run.scheduledAt }),
      );
      journal.add([{ id: "m-1", body, availableAt: 0, receiveCount: 5 }]);
      journal.deadLetter("m-1", "SchedulerError: already FAILED");
      journal.close();

      const result = await cli.json<RedriveJson>(["redrive", "--json"]);
      expect(result).toMatchObject({ moved: 1, reconciled: 1, left: 0 });
      expect(result.items.map((item) => item.runId)).toEqual([run.runId]);
      const [after] = await cli.json<{ status: string }[]>(["history", "fragile"]);
      expect(after?.status).toBe("RETRYING");
      const again = await cli.run(["redrive"]);
      expectExit(again, 0);
      expect(again.stderr).toContain("0 moved, 0 run(s) reconciled, 0 left");
    } finally {
      cli.dispose();
    }
  });
});
