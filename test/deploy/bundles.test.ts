import {
  type Message,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScheduleInput } from "../../src/control/input.js";
import { createSchedule } from "../../src/control/schedules.js";
import { encodeEnvelope } from "../../src/dispatch/envelope.js";
import type { Envelope } from "../../src/dispatch/types.js";
import { ENV } from "../../src/environment.js";
import { shardOf } from "../../src/store/dynamodb/codec.js";
import { createDynamoStore } from "../../src/store/dynamodb/store.js";
import { RUN_STATUS, type ScheduleStore } from "../../src/store/types.js";
import type { TickSummary } from "../../src/tick/tick.js";
import { subscribeNewQueue } from "../dispatch/aws-queues.js";
import { awsEndpoint } from "../support/aws.js";
import { envelope, scheduledEvent, sqsEvent, sqsRecordFromMessage } from "../support/events.js";
import { type ApiCall, deniedBy, type RecordingProxy, startRecordingProxy } from "./api-calls.js";
import { runBundle } from "./run-bundle.js";
import {
  completeOnEmulator,
  resolvedRolePolicy,
  STACK_ACCOUNT,
  STACK_REGION,
  useDeployedStack,
} from "./stack.js";

const deployed = useDeployedStack();
const { dynamodb, lambda, sqs, sns, physicalId, functionConfiguration, queueAttributes } = deployed;

/** The permissions the recorded calls needed that the role's policy does not grant. */
function deniedByRole(roleLogicalId: string, calls: readonly ApiCall[]): string[] {
  return deniedBy(resolvedRolePolicy(deployed.stack, roleLogicalId), calls, {
    region: STACK_REGION,
    account: STACK_ACCOUNT,
  });
}

describe("the built bundles on the deployed stack", () => {
  let store: ScheduleStore;
  let proxy: RecordingProxy;

  beforeAll(async () => {
    await completeOnEmulator(deployed.stack, { lambda, sqs, sns });
    store = createDynamoStore({
      tableName: deployed.stack.outputs.ScheduleTableName ?? "",
      client: dynamodb,
    });
    proxy = await startRecordingProxy(awsEndpoint());
  });

  afterAll(async () => {
    await proxy.close();
  });

  /**
   * One occurrence end to end: creates the schedule (due at once: it has never run), runs the
   * tick bundle, takes what reached the queue, and hands it to the invoke bundle, as Lambda's
   * poller would. Returns what each bundle called.
   */
  async function deliverOne(input: ScheduleInput) {
    const { schedule } = await createSchedule(input, { store });
    const rule = `arn:aws:events:${STACK_REGION}:${STACK_ACCOUNT}:rule/${physicalId("TickFunctionTick")}`;
    const summary = await runBundle(
      await functionConfiguration("TickFunction"),
      "dist/tick.mjs",
      scheduledEvent(rule),
      proxy.endpoint,
    );
    const tickCalls = proxy.calls.splice(0);

    const queueUrl = deployed.stack.outputs.InvocationsQueueUrl ?? "";
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 5,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
      }),
    );
    const { QueueArn = "" } = await queueAttributes(queueUrl);
    const response = await runBundle(
      await functionConfiguration("InvokeFunction"),
      "dist/invoke.mjs",
      sqsEvent(...Messages.map((message) => sqsRecordFromMessage(message, QueueArn))),
      proxy.endpoint,
    );
    const invokeCalls = proxy.calls.splice(0);
    const { items: runs } = await store.listRuns(schedule.id);
    return { schedule, summary, messages: Messages, response, runs, tickCalls, invokeCalls };
  }

  it("drives one occurrence from a schedule to a SUCCEEDED run", async () => {
    const delivered = await deliverOne({
      id: "deploy-hello",
      job: "hello",
      expression: "rate(1 hour)",
      payload: { name: "Ada" },
    });

    expect(delivered.summary).toMatchObject({ claimed: 1, dispatched: 1 });
    expect(delivered.messages).toHaveLength(1);
    expect(JSON.parse(delivered.messages[0]?.Body ?? "{}")).toMatchObject({
      v: 1,
      scheduleId: "deploy-hello",
      job: "hello",
      payload: { name: "Ada" },
    });
    expect(delivered.response).toEqual({ batchItemFailures: [] });
    expect(delivered.runs).toHaveLength(1);
    expect(delivered.runs[0]).toMatchObject({
      status: RUN_STATUS.SUCCEEDED,
      attempt: 1,
      result: { greeted: "Ada" },
    });
    // The emulator enforces no IAM: every call the bundles made must be one their role allows.
    expect(delivered.tickCalls.length).toBeGreaterThan(0);
    expect(deniedByRole("TickRole", delivered.tickCalls)).toEqual([]);
    expect(delivered.invokeCalls.length).toBeGreaterThan(0);
    expect(deniedByRole("InvokeRole", delivered.invokeCalls)).toEqual([]);
  });

  /**
   * Hands `messages` to the invoke bundle as Lambda's poller would; `envelopes` are first sent
   * to the invocations queue (by the test, unrecorded) and received, when no messages are given.
   * `variables` add to, or replace, the function's environment.
   */
  async function invoke(
    envelopes: readonly Envelope[],
    messages?: readonly Message[],
    variables: Record<string, string> = {},
  ) {
    const queueUrl = deployed.stack.outputs.InvocationsQueueUrl ?? "";
    let received = messages;
    if (received === undefined) {
      for (const sent of envelopes) {
        await sqs.send(
          new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: encodeEnvelope(sent) }),
        );
      }
      const found: Message[] = [];
      for (let tries = 0; found.length < envelopes.length && tries < 10; tries += 1) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            MessageAttributeNames: ["All"],
            MessageSystemAttributeNames: ["All"],
          }),
        );
        found.push(...Messages);
      }
      received = found;
    }
    const { QueueArn = "" } = await queueAttributes(queueUrl);
    const config = await functionConfiguration("InvokeFunction");
    const response = await runBundle(
      {
        ...config,
        Environment: { Variables: { ...config.Environment?.Variables, ...variables } },
      },
      "dist/invoke.mjs",
      sqsEvent(...received.map((message) => sqsRecordFromMessage(message, QueueArn))),
      proxy.endpoint,
    );
    return { response, messages: received, calls: proxy.calls.splice(0) };
  }

  it("takes the rare store paths of tick and invoke only through calls their roles allow", async () => {
    const operations = (calls: readonly ApiCall[]) =>
      calls.map((call) => `${call.service}:${call.operation}`);

    // Overlap "skip" reads the previous run (a Query) before the start.
    const skip = await deliverOne({
      id: "deploy-rare-skip",
      job: "hello",
      expression: "rate(1 hour)",
      payload: { name: "Ada" },
      overlap: "skip",
    });
    expect(skip.runs[0]).toMatchObject({ status: RUN_STATUS.SUCCEEDED });
    expect(operations(skip.invokeCalls)).toContain("dynamodb:Query");
    // The tick reads no run: its only GetItem is of the CONFIG item (the shard count).
    const tickReads = skip.tickCalls.filter((call) => call.operation === "GetItem");
    expect(tickReads.map((call) => call.params.Key)).toEqual(
      tickReads.map(() => ({ pk: { S: "CONFIG" }, sk: { S: "CONFIG" } })),
    );

    // The same message again: the start is refused and the run read back (GetItem).
    const duplicate = await invoke([], skip.messages);
    expect(duplicate.response).toEqual({ batchItemFailures: [] });
    expect(operations(duplicate.calls)).toEqual(
      expect.arrayContaining(["dynamodb:UpdateItem", "dynamodb:GetItem"]),
    );

    // Messages the tick would not send today: past their deadline (EXPIRED on the invoke
    // side), naming another job than the schedule's (refused), of a schedule that is gone
    // (orphaned), and a schedule whose current payload the job refuses (FAILED). Each failure
    // is recorded with an unreported marker that its publish then clears (UpdateItem).
    await createSchedule(
      {
        id: "deploy-rare-payload",
        job: "hello",
        expression: "rate(1 hour)",
        payload: { name: "A" },
      },
      { store },
    );
    await store.updateSchedule("deploy-rare-payload", { payload: { name: "" } });
    const late = envelope({
      scheduleId: "deploy-rare-skip",
      scheduledAt: "2026-01-05T09:00:00.000Z",
      deadline: "2026-01-05T09:00:30.000Z",
    });
    const forged = envelope({
      scheduleId: "deploy-rare-skip",
      scheduledAt: "2026-01-05T10:00:00.000Z",
      job: "report",
    });
    const orphan = envelope({ scheduleId: "deploy-rare-gone" });
    const invalid = envelope({ scheduleId: "deploy-rare-payload", payload: { name: "A" } });
    const rare = await invoke([late, forged, orphan, invalid]);
    const statusOf = async (sent: Envelope) =>
      (await store.getRun(sent.scheduleId, Date.parse(sent.scheduledAt)))?.status;
    expect(await statusOf(late)).toBe(RUN_STATUS.EXPIRED);
    expect(await statusOf(forged)).toBe(RUN_STATUS.FAILED);
    expect(await statusOf(orphan)).toBe(RUN_STATUS.SKIPPED);
    expect(await statusOf(invalid)).toBe(RUN_STATUS.FAILED);
    const run = await store.getRun(invalid.scheduleId, Date.parse(invalid.scheduledAt));
    expect(run).not.toHaveProperty("unreported");
    expect(operations(rare.calls)).toEqual(
      expect.arrayContaining(["dynamodb:GetItem", "dynamodb:UpdateItem", "sns:Publish"]),
    );

    // A FAILED run's message again: refused, read back, and kept failing for the DLQ.
    const again = await invoke(
      [],
      rare.messages.filter((message) => message.Body === encodeEnvelope(invalid)),
    );
    expect(again.response).toMatchObject({ batchItemFailures: [expect.anything()] });

    expect(deniedByRole("TickRole", skip.tickCalls)).toEqual([]);
    const invokeCalls = [...skip.invokeCalls, ...duplicate.calls, ...rare.calls, ...again.calls];
    expect(deniedByRole("InvokeRole", invokeCalls)).toEqual([]);
  });

  it("sends a run waiting under overlap buffer-one through the queue when the run before it ends", async () => {
    await createSchedule(
      {
        id: "deploy-buffer",
        job: "hello",
        expression: "rate(1 hour)",
        payload: { name: "Ada" },
        overlap: "buffer-one",
      },
      { store },
    );
    const [first, waiting] = ["09", "10"].map((hour) =>
      envelope({
        scheduleId: "deploy-buffer",
        scheduledAt: `2026-01-05T${hour}:00:00.000Z`,
        overlap: "buffer-one",
      }),
    ) as [Envelope, Envelope];
    // The second occurrence came while the first ran, and waits.
    await store.createRun({
      runId: waiting.runId,
      scheduleId: waiting.scheduleId,
      job: waiting.job,
      scheduledAt: Date.parse(waiting.scheduledAt),
      dueAt: Date.parse(waiting.scheduledAt),
      status: RUN_STATUS.BUFFERED,
      attempt: 1,
      createdAt: Date.now(),
      updatedAt: Date.now(),
    });

    const queueUrl = deployed.stack.outputs.InvocationsQueueUrl ?? "";
    // Messages earlier tests left failing (for the dead-letter queue) are not this test's.
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
    // The emulator's CloudFormation gives queues the real AWS host name, and the SDK sends to a
    // queue URL's own host: this one is on the recording proxy.
    const queueName = physicalId("InvocationsQueue").split("/").pop() ?? "";
    const ended = await invoke([first], undefined, {
      [ENV.invocationsQueueUrl]: `${proxy.endpoint}/${STACK_ACCOUNT}/${queueName}`,
    });
    expect(ended.response).toEqual({ batchItemFailures: [] });
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        WaitTimeSeconds: 5,
        MessageSystemAttributeNames: ["All"],
      }),
    );
    expect(Messages.map((message) => JSON.parse(message.Body ?? "{}").runId)).toEqual([
      waiting.runId,
    ]);
    const woken = await invoke([], Messages);
    expect(woken.response).toEqual({ batchItemFailures: [] });
    expect(await store.getRun(waiting.scheduleId, Date.parse(waiting.scheduledAt))).toMatchObject({
      status: RUN_STATUS.SUCCEEDED,
      attempt: 1,
    });
    const operations = ended.calls.map((call) => `${call.service}:${call.operation}`);
    expect(operations).toEqual(expect.arrayContaining(["dynamodb:Query", "sqs:SendMessageBatch"]));
    expect(deniedByRole("InvokeRole", [...ended.calls, ...woken.calls])).toEqual([]);
  });

  it("lets job code under the invoke role record runs but not rewrite a schedule", () => {
    const table = deployed.stack.outputs.ScheduleTableName ?? "";
    const rewrite = (attribute: string): ApiCall => ({
      service: "dynamodb",
      operation: "UpdateItem",
      params: {
        TableName: table,
        Key: { pk: { S: "SCHEDULE#nightly" }, sk: { S: "SCHEDULE" } },
        UpdateExpression: `SET #a = :v`,
        ExpressionAttributeNames: { "#a": attribute },
        ExpressionAttributeValues: { ":v": { S: "x" } },
      },
    });
    for (const attribute of ["expression", "state", "payload", "version", "nextRunAt"]) {
      expect(deniedByRole("InvokeRole", [rewrite(attribute)])).toHaveLength(1);
    }
    expect(deniedByRole("InvokeRole", [rewrite("unreported")])).toEqual([]);
  });

  it("records a run of a job missing from the bundle as FAILED, and reports it on the errors topic", async () => {
    const errors = await subscribeNewQueue(
      sns,
      sqs,
      deployed.stack.outputs.ErrorsTopicArn ?? "",
      "errors",
    );

    const delivered = await deliverOne({
      id: "deploy-missing-job",
      job: "not-in-this-bundle",
      expression: "rate(1 hour)",
    });

    expect(delivered.runs[0]).toMatchObject({
      status: RUN_STATUS.FAILED,
      error: { name: "UnknownJobError" },
    });
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: errors.url, WaitTimeSeconds: 5 }),
    );
    expect(Messages.map((message) => JSON.parse(message.Body ?? "{}"))).toContainEqual(
      expect.objectContaining({ scheduleId: "deploy-missing-job", job: "not-in-this-bundle" }),
    );
    // The failure path reaches the errors topic and hides the message (GetQueueUrl and
    // ChangeMessageVisibility): permissions the happy path never uses.
    const operations = delivered.invokeCalls.map((call) => `${call.service}:${call.operation}`);
    expect(operations).toEqual(
      expect.arrayContaining(["sns:Publish", "sqs:GetQueueUrl", "sqs:ChangeMessageVisibility"]),
    );
    expect(deniedByRole("InvokeRole", delivered.invokeCalls)).toEqual([]);
  });

  describe("fan-out over the shard queue", () => {
    /**
     * Receives (without deleting) the messages that arrive on `queueUrl`: until `expected` have,
     * or `waitMs` has passed, then for another second, in which a duplicate would show.
     */
    async function receiveAll(
      queueUrl: string,
      expected: number,
      waitMs: number,
    ): Promise<Message[]> {
      const messages: Message[] = [];
      let deadline = Date.now() + waitMs;
      let settling = false;
      while (Date.now() < deadline) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
            MessageAttributeNames: ["All"],
            MessageSystemAttributeNames: ["All"],
          }),
        );
        messages.push(...Messages);
        if (!settling && messages.length >= expected) {
          settling = true;
          deadline = Math.min(deadline, Date.now() + 1_000);
        }
        if (Messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return messages;
    }

    /**
     * Runs the tick bundle as the function would run, except that its shard queue's URL is on
     * the recording proxy: the emulator's CloudFormation gives queues the real AWS host name,
     * and the SDK sends to a queue URL's own host.
     */
    async function runTick(event: unknown, overrides: { Timeout?: number } = {}) {
      const config = await functionConfiguration("TickFunction");
      const queueName = physicalId("TickShardsQueue").split("/").pop() ?? "";
      const summary = (await runBundle(
        {
          ...config,
          ...overrides,
          Environment: {
            Variables: {
              ...config.Environment?.Variables,
              [ENV.tickShardsQueueUrl]: `${proxy.endpoint}/${STACK_ACCOUNT}/${queueName}`,
            },
          },
        },
        "dist/tick.mjs",
        event,
        proxy.endpoint,
      )) as TickSummary;
      return { summary, calls: proxy.calls.splice(0) };
    }

    it("hands a heavy shard to the queue, and the workers it feeds dispatch each occurrence once", async () => {
      const shards = Number(deployed.stack.template.Parameters?.DueShards?.Default);
      const ids = (prefix: string, count: number, onShard: (shard: string) => boolean) => {
        const found: string[] = [];
        for (let i = 0; found.length < count; i++) {
          if (onShard(shardOf(`${prefix}-${i}`, shards))) found.push(`${prefix}-${i}`);
        }
        return found;
      };
      // One page of the due index is 100 schedules: 101 on shard 5 make its first page full.
      const heavy = ids("burst", 101, (shard) => shard === "5");
      const light = ids("light", 3, (shard) => shard !== "5");
      for (const id of [...heavy, ...light]) {
        await createSchedule({ id, job: "hello", expression: "rate(1 hour)" }, { store });
      }
      const shardQueueUrl = deployed.stack.outputs.TickShardsQueueUrl ?? "";
      const { QueueArn: shardQueueArn = "" } = await queueAttributes(shardQueueUrl);
      const rule = `arn:aws:events:${STACK_REGION}:${STACK_ACCOUNT}:rule/${physicalId("TickFunctionTick")}`;

      // The schedule rule's tick works the light shards and hands the heavy one off at once.
      const coordinator = await runTick(scheduledEvent(rule));
      expect(coordinator.summary).toMatchObject({ claimed: 3, handedOff: [5], failed: 0 });
      const [handedOff, ...none] = await receiveAll(shardQueueUrl, 1, 1_000);
      expect(none).toEqual([]);
      expect(JSON.parse(handedOff?.Body ?? "")).toEqual({ shard: 5 });

      // A worker out of time at once hands the shard on, and counts what it leaves.
      const late = await runTick(
        sqsEvent(sqsRecordFromMessage(handedOff as Message, shardQueueArn)),
        {
          Timeout: 10,
        },
      );
      expect(late.summary).toMatchObject({ claimed: 0, backlog: 101, handedOff: [5] });
      const [handedOn, ...noMore] = await receiveAll(shardQueueUrl, 1, 1_000);
      expect(noMore).toEqual([]);
      expect(JSON.parse(handedOn?.Body ?? "")).toEqual({ shard: 5 });

      // The next worker finishes the shard.
      const worker = await runTick(
        sqsEvent(sqsRecordFromMessage(handedOn as Message, shardQueueArn)),
      );
      expect(worker.summary).toMatchObject({
        claimed: 101,
        dispatched: 101,
        handedOff: [],
        backlog: 0,
      });

      const dispatched = (
        await receiveAll(deployed.stack.outputs.InvocationsQueueUrl ?? "", 104, 15_000)
      )
        .map((message) => JSON.parse(message.Body ?? "{}") as { scheduleId: string; runId: string })
        .filter((envelope) => /^(burst|light)-/.test(envelope.scheduleId));
      expect(dispatched).toHaveLength(104);
      expect(new Set(dispatched.map((envelope) => envelope.runId)).size).toBe(104);
      expect(new Set(dispatched.map((envelope) => envelope.scheduleId))).toEqual(
        new Set([...heavy, ...light]),
      );

      const calls = [...coordinator.calls, ...late.calls, ...worker.calls];
      const operations = calls.map((call) => `${call.service}:${call.operation}`);
      expect(operations).toEqual(
        expect.arrayContaining(["sqs:SendMessageBatch", "dynamodb:DeleteItem", "dynamodb:Query"]),
      );
      // The count of what a stopped shard leaves is a Query too, with Select: COUNT.
      expect(late.calls.some((call) => call.params.Select === "COUNT")).toBe(true);
      expect(deniedByRole("TickRole", calls)).toEqual([]);
    }, 120_000);
  });
});
