/**
 * template.yaml, translated by the SAM transform and deployed to the emulator's
 * CloudFormation: the resources it creates, checked against what the code expects
 * (bundles.test.ts then runs the built bundles on such a stack).
 *
 * Where the emulator's CloudFormation drops a property (TTL, point-in-time recovery, table
 * encryption, function architecture, log configuration), the test checks what CloudFormation
 * was given, i.e. the translated template; everything it does create is checked on the
 * created resource.
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
} from "@aws-sdk/client-eventbridge";
import { ListEventSourceMappingsCommand } from "@aws-sdk/client-lambda";
import { GetTopicAttributesCommand } from "@aws-sdk/client-sns";
import { describe, expect, it } from "vitest";
import { ENV } from "../../src/environment.js";
import { SCHEDULE_TABLE_SCHEMA } from "../../src/store/dynamodb/table.js";
import { awsClientConfig } from "../support/aws.js";
import { allows } from "./api-calls.js";
import {
  type RoleStatement,
  resolvedRolePolicy,
  resourceOf,
  roleStatementsOf,
  STACK_ACCOUNT,
  STACK_REGION,
  useDeployedStack,
} from "./stack.js";

/** Resource types the emulator's CloudFormation accepts but does not create. */
const NOT_EMULATED = new Set([
  "AWS::SNS::Subscription",
  "AWS::SNS::TopicPolicy",
  "AWS::SQS::QueuePolicy",
  "AWS::Lambda::EventInvokeConfig",
  // The emulator's CloudFormation knows CloudWatch dashboards, not alarms.
  "AWS::CloudWatch::Alarm",
]);

const deployed = useDeployedStack();
const { dynamodb, lambda, sns, physicalId, functionConfiguration, queueAttributes } = deployed;
const resource = (logicalId: string) => resourceOf(deployed.stack, logicalId);

const roleStatements = (logicalId: string) => roleStatementsOf(deployed.stack, logicalId);

function sortedByName(definitions: unknown): unknown[] {
  return [...((definitions as { AttributeName: string }[] | undefined) ?? [])].sort((a, b) =>
    a.AttributeName.localeCompare(b.AttributeName),
  );
}

/** An index's name, keys and projection: what the store relies on (not throughput, status…). */
function indexesOf(indexes: unknown): unknown[] {
  return ((indexes as Record<string, unknown>[] | undefined) ?? []).map((index) => ({
    IndexName: index.IndexName,
    KeySchema: index.KeySchema,
    Projection: index.Projection,
  }));
}

function actionsOf(statements: readonly RoleStatement[]): string[] {
  return statements
    .flatMap((s) => (typeof s.Action === "string" ? [s.Action] : [...s.Action]))
    .sort();
}

describe("the deployed stack", () => {
  it("creates every resource of the translated template", () => {
    const expected = Object.entries(deployed.stack.template.Resources)
      // Conditional resources are off by default (the alarm topic wants an e-mail address).
      .filter(([, r]) => !NOT_EMULATED.has(r.Type) && r.Condition === undefined)
      .map(([logicalId]) => logicalId)
      .sort();
    const created = deployed.stack.resources
      .filter((r) => r.ResourceStatus === "CREATE_COMPLETE" && r.LogicalResourceId !== undefined)
      .map((r) => r.LogicalResourceId);
    expect(created.sort()).toEqual(expected);
  });

  it("outputs the table, topics and queues", () => {
    expect(Object.keys(deployed.stack.outputs)).toEqual(
      expect.arrayContaining([
        "ScheduleTableName",
        "InvocationsTopicArn",
        "ErrorsTopicArn",
        "InvocationsQueueUrl",
        "InvocationsDeadLetterQueueUrl",
        "TickShardsQueueUrl",
        "TickShardsDeadLetterQueueUrl",
      ]),
    );
  });

  it("creates the table with the keys and indexes the DynamoDB store uses", async () => {
    const { Table } = await dynamodb.send(
      new DescribeTableCommand({ TableName: deployed.stack.outputs.ScheduleTableName }),
    );
    const declared = resource("ScheduleTable").Properties ?? {};

    for (const table of [Table, declared] as Record<string, unknown>[]) {
      expect(table.KeySchema).toEqual(SCHEDULE_TABLE_SCHEMA.KeySchema);
      expect(sortedByName(table.AttributeDefinitions)).toEqual(
        sortedByName(SCHEDULE_TABLE_SCHEMA.AttributeDefinitions),
      );
      expect(indexesOf(table.GlobalSecondaryIndexes)).toEqual(
        indexesOf(SCHEDULE_TABLE_SCHEMA.GlobalSecondaryIndexes),
      );
    }
    expect(Table?.BillingModeSummary?.BillingMode).toBe(SCHEDULE_TABLE_SCHEMA.BillingMode);
  });

  it("gives the table TTL on expiresAt, point-in-time recovery and KMS encryption", () => {
    // Not emulated: the emulator's CloudFormation ignores these three properties.
    expect(resource("ScheduleTable").Properties).toMatchObject({
      TimeToLiveSpecification: { AttributeName: SCHEDULE_TABLE_SCHEMA.ttlAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: "KMS" },
    });
  });

  it("encrypts both topics with the AWS managed SNS key", async () => {
    for (const topicArn of [
      deployed.stack.outputs.InvocationsTopicArn,
      deployed.stack.outputs.ErrorsTopicArn,
    ]) {
      const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
      expect(Attributes?.KmsMasterKeyId).toBe("alias/aws/sns");
    }
  });

  it("sends messages received too often to the dead-letter queue, all queues encrypted", async () => {
    const queue = await queueAttributes(deployed.stack.outputs.InvocationsQueueUrl ?? "");
    const deadLetter = await queueAttributes(
      deployed.stack.outputs.InvocationsDeadLetterQueueUrl ?? "",
    );

    expect(JSON.parse(queue.RedrivePolicy ?? "{}")).toEqual({
      deadLetterTargetArn: deadLetter.QueueArn,
      maxReceiveCount: 10,
    });
    expect(queue.SqsManagedSseEnabled).toBe("true");
    expect(deadLetter.SqsManagedSseEnabled).toBe("true");
    expect(Number(deadLetter.MessageRetentionPeriod)).toBeGreaterThan(
      Number(queue.MessageRetentionPeriod),
    );
  });

  it("keeps a message hidden for at least 6 times the invoke function's timeout", async () => {
    const queue = await queueAttributes(deployed.stack.outputs.InvocationsQueueUrl ?? "");
    const invoke = await functionConfiguration("InvokeFunction");

    expect(Number(queue.VisibilityTimeout)).toBeGreaterThanOrEqual(6 * (invoke.Timeout ?? 0));
  });

  it.each([
    ["TickFunction", "tick.handler"],
    ["InvokeFunction", "invoke.handler"],
  ])(
    "runs %s on nodejs24.x, arm64, with exactly the handlers' environment",
    async (logicalId, handler) => {
      const config = await functionConfiguration(logicalId);

      expect(config.Runtime).toBe("nodejs24.x");
      expect(config.Handler).toBe(handler);
      // Not emulated: the emulator's CloudFormation drops Architectures and LoggingConfig.
      expect(resource(logicalId).Properties).toMatchObject({
        Architectures: ["arm64"],
        LoggingConfig: { LogGroup: { Ref: logicalId.replace("Function", "LogGroup") } },
      });
      const variables = config.Environment?.Variables ?? {};
      expect(Object.keys(variables).sort()).toEqual(Object.values(ENV).sort());
      expect(variables).toMatchObject({
        [ENV.table]: deployed.stack.outputs.ScheduleTableName,
        [ENV.invocationsTopicArn]: deployed.stack.outputs.InvocationsTopicArn,
        [ENV.invocationsQueueUrl]: deployed.stack.outputs.InvocationsQueueUrl,
        [ENV.errorsTopicArn]: deployed.stack.outputs.ErrorsTopicArn,
        [ENV.tickShardsQueueUrl]: deployed.stack.outputs.TickShardsQueueUrl,
      });
    },
  );

  it("feeds the invoke function from the queue, reporting partial batch failures", async () => {
    const { EventSourceMappings } = await lambda.send(
      new ListEventSourceMappingsCommand({ FunctionName: physicalId("InvokeFunction") }),
    );
    const queue = await queueAttributes(deployed.stack.outputs.InvocationsQueueUrl ?? "");

    expect(EventSourceMappings).toHaveLength(1);
    expect(EventSourceMappings?.[0]).toMatchObject({
      EventSourceArn: queue.QueueArn,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
    });
  });

  it("feeds the tick function one shard work item at a time, at most TickShardWorkers at once", async () => {
    const { EventSourceMappings } = await lambda.send(
      new ListEventSourceMappingsCommand({ FunctionName: physicalId("TickFunction") }),
    );
    const queue = await queueAttributes(deployed.stack.outputs.TickShardsQueueUrl ?? "");

    expect(EventSourceMappings).toHaveLength(1);
    expect(EventSourceMappings?.[0]).toMatchObject({
      EventSourceArn: queue.QueueArn,
      BatchSize: 1,
    });
    // Checked on what CloudFormation is given: the emulator keeps no scaling configuration.
    expect(resource("TickFunctionShards").Properties).toMatchObject({
      ScalingConfig: { MaximumConcurrency: { Ref: "TickShardWorkers" } },
    });
    expect(deployed.stack.template.Parameters?.TickShardWorkers?.Default).toBe(50);
  });

  it("keeps a shard work item hidden longer than any tick, then dead-letters it after 3 receives", async () => {
    const queue = await queueAttributes(deployed.stack.outputs.TickShardsQueueUrl ?? "");
    const deadLetter = await queueAttributes(
      deployed.stack.outputs.TickShardsDeadLetterQueueUrl ?? "",
    );
    const tickTimeout = deployed.stack.template.Parameters?.TickTimeoutSeconds as {
      MaxValue?: number;
    };

    // Longer than the slowest tick plus its lease's 30 s margin: a retry finds the lease free.
    expect(Number(queue.VisibilityTimeout)).toBeGreaterThanOrEqual(
      (tickTimeout.MaxValue ?? 0) + 30,
    );
    expect(JSON.parse(queue.RedrivePolicy ?? "{}")).toEqual({
      deadLetterTargetArn: deadLetter.QueueArn,
      maxReceiveCount: 3,
    });
    expect(queue.SqsManagedSseEnabled).toBe("true");
    expect(deadLetter.SqsManagedSseEnabled).toBe("true");
  });

  it("runs the tick from one EventBridge rule, once a minute", async () => {
    const events = new EventBridgeClient(awsClientConfig());
    try {
      const rule = await events.send(
        new DescribeRuleCommand({ Name: physicalId("TickFunctionTick") }),
      );
      const { Targets } = await events.send(
        new ListTargetsByRuleCommand({ Rule: physicalId("TickFunctionTick") }),
      );
      const tick = await functionConfiguration("TickFunction");

      expect(rule).toMatchObject({ ScheduleExpression: "rate(1 minute)", State: "ENABLED" });
      expect(Targets?.map((target) => target.Arn)).toEqual([tick.FunctionArn]);
      // A failed tick is not retried by Lambda: the next tick redoes its work (not emulated).
      expect(resource("TickFunctionEventInvokeConfig").Properties).toMatchObject({
        MaximumRetryAttempts: 0,
      });
      const rules = Object.values(deployed.stack.template.Resources).filter(
        (r) => r.Type === "AWS::Events::Rule",
      );
      expect(rules).toHaveLength(1);
    } finally {
      events.destroy();
    }
  });

  it("keeps each function's logs for the retention parameter", async () => {
    const logs = new CloudWatchLogsClient(awsClientConfig());
    try {
      for (const logicalId of ["TickLogGroup", "InvokeLogGroup"]) {
        const { logGroups } = await logs.send(
          new DescribeLogGroupsCommand({ logGroupNamePrefix: physicalId(logicalId) }),
        );
        expect(logGroups?.[0]?.retentionInDays).toBe(30);
      }
    } finally {
      logs.destroy();
    }
  });

  it("subscribes the queue to the invocations topic with raw delivery, allowed by the queue policy", () => {
    // Not emulated: checked on what CloudFormation is given, and recreated below by hand.
    expect(resource("InvocationsSubscription").Properties).toMatchObject({
      Protocol: "sqs",
      RawMessageDelivery: true,
      TopicArn: { Ref: "InvocationsTopic" },
      Endpoint: { "Fn::GetAtt": ["InvocationsQueue", "Arn"] },
    });
    const policy = resource("InvocationsQueuePolicy").Properties as {
      Queues: unknown[];
      PolicyDocument: { Statement: Record<string, unknown>[] };
    };
    expect(policy.Queues).toEqual([{ Ref: "InvocationsQueue" }]);
    expect(policy.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: "sqs:SendMessage",
        Condition: { ArnEquals: { "aws:SourceArn": { Ref: "InvocationsTopic" } } },
      }),
    );
  });

  it("grants the functions named actions on named resources only, with inline policies", () => {
    expect(resource("TickRole").Properties?.ManagedPolicyArns).toBeUndefined();
    // Only the policies the deployer passes for their jobs; none by default.
    expect(resource("InvokeRole").Properties?.ManagedPolicyArns).toEqual({
      "Fn::If": ["HasJobPolicies", { Ref: "InvokeJobPolicyArns" }, { Ref: "AWS::NoValue" }],
    });
    for (const role of ["TickRole", "InvokeRole"]) {
      for (const statement of roleStatements(role)) {
        expect(statement.Effect).toBe("Allow");
        for (const action of actionsOf([statement])) expect(action).not.toContain("*");
        expect(JSON.stringify(statement.Resource)).not.toMatch(/"\*"|:\*"/);
      }
    }
    expect(actionsOf(roleStatements("TickRole"))).toEqual([
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "sns:Publish",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:ReceiveMessage",
      "sqs:SendMessage",
      "sqs:SendMessage",
    ]);
    expect(actionsOf(roleStatements("InvokeRole"))).toEqual([
      "dynamodb:GetItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "sns:Publish",
      "sqs:ChangeMessageVisibility",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:GetQueueUrl",
      "sqs:ReceiveMessage",
      "sqs:SendMessage",
    ]);
  });

  it.each([
    ["TickRole", "dynamodb:DeleteItem", "LEASE#tick#3", true],
    ["TickRole", "dynamodb:DeleteItem", "SCHEDULE#nightly", false],
    ["TickRole", "dynamodb:DeleteItem", "CONFIG", false],
    ["TickRole", "dynamodb:GetItem", "CONFIG", true],
    ["TickRole", "dynamodb:GetItem", "SCHEDULE#nightly", false],
    ["TickRole", "dynamodb:GetItem", "LEASE#tick#3", false],
    ["InvokeRole", "dynamodb:UpdateItem", "SCHEDULE#nightly", true],
    ["InvokeRole", "dynamodb:UpdateItem", "SCHEDULE#nightly", false, ["expression"]],
    ["InvokeRole", "dynamodb:UpdateItem", "SCHEDULE#nightly", false, ["state", "version"]],
    ["InvokeRole", "dynamodb:UpdateItem", "LEASE#tick#3", false],
    ["InvokeRole", "dynamodb:GetItem", "CONFIG", false],
  ] as [string, string, string, boolean, string[]?][])(
    "lets %s %s an item keyed %s: %s %j",
    (role, action, key, allowed, written = ["status", "updatedAt"]) => {
      const table = `arn:aws:dynamodb:${STACK_REGION}:${STACK_ACCOUNT}:table/${deployed.stack.outputs.ScheduleTableName}`;
      const policy = resolvedRolePolicy(deployed.stack, role);
      // An UpdateItem names its key's attributes and those it writes (IAM's dynamodb:Attributes).
      const attributes = action === "dynamodb:UpdateItem" ? ["pk", "sk", ...written] : undefined;
      expect(
        allows(policy, {
          action,
          resource: table,
          leadingKeys: [key],
          ...(attributes === undefined ? {} : { attributes, returnValues: "ALL_NEW" }),
        }),
      ).toBe(allowed);
    },
  );

  it("alarms on each dead-letter queue holding a message and on any error of either function", () => {
    const { Resources } = deployed.stack.template;
    const alarms = Object.values(Resources)
      .filter((resource) => resource.Type === "AWS::CloudWatch::Alarm")
      .map((resource) => {
        const p = resource.Properties ?? {};
        const [dimension] = p.Dimensions as { Value: unknown }[];
        return [p.MetricName, JSON.stringify(dimension?.Value), p.ComparisonOperator, p.Threshold];
      });
    expect(alarms).toEqual(
      expect.arrayContaining([
        [
          "ApproximateNumberOfMessagesVisible",
          expect.stringContaining("InvocationsDeadLetterQueue"),
          "GreaterThanThreshold",
          0,
        ],
        [
          "ApproximateNumberOfMessagesVisible",
          expect.stringContaining("TickShardsDeadLetterQueue"),
          "GreaterThanThreshold",
          0,
        ],
        ["Errors", expect.stringContaining("TickFunction"), "GreaterThanThreshold", 0],
        ["Errors", expect.stringContaining("InvokeFunction"), "GreaterThanThreshold", 0],
      ]),
    );
    expect(alarms).toHaveLength(4);
  });

  it("protects the table from deletion by default", () => {
    const table = deployed.stack.template.Resources.ScheduleTable?.Properties ?? {};
    expect(JSON.stringify(table.DeletionProtectionEnabled)).toContain("ProtectTable");
    expect(deployed.stack.template.Parameters?.TableDeletionProtection?.Default).toBe("true");
  });
});
