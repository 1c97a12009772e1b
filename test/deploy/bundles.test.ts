import {
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from "@aws-sdk/client-lambda";
import { SubscribeCommand } from "@aws-sdk/client-sns";
import { ReceiveMessageCommand, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScheduleInput } from "../../src/control/input.js";
import { createSchedule } from "../../src/control/schedules.js";
import { createDynamoStore } from "../../src/store/dynamodb/store.js";
import { RUN_STATUS, type ScheduleStore } from "../../src/store/types.js";
import { subscribeNewQueue } from "../dispatch/aws-queues.js";
import { awsEndpoint } from "../support/aws.js";
import { scheduledEvent, sqsEvent, sqsRecordFromMessage } from "../support/events.js";
import { type ApiCall, deniedBy, type RecordingProxy, startRecordingProxy } from "./api-calls.js";
import { runBundle } from "./run-bundle.js";
import { resolvedRolePolicy, STACK_ACCOUNT, STACK_REGION, useDeployedStack } from "./stack.js";

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
    // The test plays the part of Lambda's SQS poller. The emulator's own poller would take
    // each message, fail to run the function (it runs no code) and put it back, adding a
    // receive that no real delivery made.
    const { EventSourceMappings } = await lambda.send(
      new ListEventSourceMappingsCommand({ FunctionName: physicalId("InvokeFunction") }),
    );
    for (const mapping of EventSourceMappings ?? []) {
      await lambda.send(
        new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: false }),
      );
    }
    // What CloudFormation would have made of the two resources the emulator skips.
    const queueUrl = deployed.stack.outputs.InvocationsQueueUrl ?? "";
    const queue = await queueAttributes(queueUrl);
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: queueUrl,
        Attributes: {
          Policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "sns.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: queue.QueueArn,
                Condition: {
                  ArnEquals: { "aws:SourceArn": deployed.stack.outputs.InvocationsTopicArn },
                },
              },
            ],
          }),
        },
      }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn: deployed.stack.outputs.InvocationsTopicArn,
        Protocol: "sqs",
        Endpoint: queue.QueueArn,
        Attributes: { RawMessageDelivery: "true" },
      }),
    );
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
});
