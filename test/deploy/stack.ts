/**
 * Deploys template.yaml to the emulator the way `sam deploy` deploys it to AWS: translate the
 * SAM template into CloudFormation (aws-sam-translator, as the `AWS::Serverless` transform
 * does), upload the code bundle to S3, create the stack and wait for it.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  type StackResource,
} from "@aws-sdk/client-cloudformation";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  type FunctionConfiguration,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from "@aws-sdk/client-lambda";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll } from "vitest";
import { awsClientConfig, uniqueName } from "../support/aws.js";
import type { PolicyDocument } from "./api-calls.js";

const run = promisify(execFile);

const INSTALL_HINT =
  "the deploy test needs aws-sam-translator in python3: install it with " +
  "`pip install aws-sam-translator` (it comes with cfn-lint).";

/** A resource of a CloudFormation template. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  /** The condition under which the resource is created, if any. */
  readonly Condition?: string;
}

/** A CloudFormation template as JSON. */
export interface Template {
  readonly Resources: Record<string, TemplateResource>;
  readonly Parameters?: Record<string, { readonly Default?: unknown }>;
  readonly Outputs?: Record<string, unknown>;
}

/** A deployed stack. */
export interface DeployedStack {
  readonly name: string;
  /** What the SAM transform made of template.yaml: what CloudFormation was given. */
  readonly template: Template;
  /** Output name → value. */
  readonly outputs: Readonly<Record<string, string>>;
  /** Logical id → physical id of each resource the emulator created. */
  readonly resources: readonly StackResource[];
}

/**
 * Translates template.yaml with aws-sam-translator, with the code at `s3://bucket/key`.
 * Parameters not given take the template's defaults.
 */
export async function translateTemplate(
  code: { readonly bucket: string; readonly key: string },
  parameters: Readonly<Record<string, string>> = {},
): Promise<Template> {
  const script = fileURLToPath(new URL("translate.py", import.meta.url));
  const child = spawn("python3", [script, "template.yaml", code.bucket, code.key, STACK_REGION]);
  child.stdin.end(JSON.stringify(parameters));
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const status = await new Promise<number | null>((resolve, reject) => {
    child.once("error", (error) => reject(new Error(`${error.message}\n${INSTALL_HINT}`)));
    child.once("close", resolve);
  });
  if (status !== 0) {
    const hint = stderr.includes("ModuleNotFoundError") ? `\n${INSTALL_HINT}` : "";
    throw new Error(`translating template.yaml failed (exit ${status}):\n${stderr}${hint}`);
  }
  return JSON.parse(stdout) as Template;
}

/** The Lambda code package: the two bundles at the root of a zip, as `sam deploy` makes it. */
async function zipBundles(): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), "lambda-scheduler-code-"));
  try {
    const zip = join(dir, "code.zip");
    await run("python3", ["-m", "zipfile", "-c", zip, "dist/tick.mjs", "dist/invoke.mjs"]);
    return await readFile(zip);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Deploys template.yaml (after `npm run build`) as a new stack and waits for CREATE_COMPLETE. */
export async function deployStack(): Promise<DeployedStack> {
  const name = uniqueName("lambda-scheduler");
  const code = { bucket: uniqueName("code"), key: `${name}/code.zip` };
  const s3 = new S3Client({ ...awsClientConfig(), forcePathStyle: true });
  const cloudformation = new CloudFormationClient(awsClientConfig());
  try {
    await s3.send(new CreateBucketCommand({ Bucket: code.bucket }));
    await s3.send(
      new PutObjectCommand({ Bucket: code.bucket, Key: code.key, Body: await zipBundles() }),
    );
    const template = await translateTemplate(code);
    await cloudformation.send(
      new CreateStackCommand({
        StackName: name,
        TemplateBody: JSON.stringify(template),
        Capabilities: ["CAPABILITY_IAM"],
      }),
    );
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: name }));
      const stack = Stacks?.[0];
      const status = stack?.StackStatus ?? "UNKNOWN";
      if (status === "CREATE_COMPLETE") {
        const outputs = Object.fromEntries(
          (stack?.Outputs ?? []).map((output) => [
            output.OutputKey ?? "",
            output.OutputValue ?? "",
          ]),
        );
        const { StackResources } = await cloudformation.send(
          new DescribeStackResourcesCommand({ StackName: name }),
        );
        return { name, template, outputs, resources: StackResources ?? [] };
      }
      if (!status.endsWith("_IN_PROGRESS") || Date.now() > deadline) {
        throw new Error(
          `stack ${name} is ${status}: ${stack?.StackStatusReason ?? "no reason given"}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    s3.destroy();
    cloudformation.destroy();
  }
}

/** What the tests of a deployed stack work with; see {@link useDeployedStack}. */
export interface StackFixture {
  /** The stack, once the file's `beforeAll` has deployed it. */
  readonly stack: DeployedStack;
  readonly dynamodb: DynamoDBClient;
  readonly lambda: LambdaClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  /** The physical id the emulator gave a resource of the stack. */
  physicalId(logicalId: string): string;
  /** The configuration of the stack's function `logicalId`. */
  functionConfiguration(logicalId: string): Promise<FunctionConfiguration>;
  /** All attributes of the queue at `url`. */
  queueAttributes(url: string): Promise<Record<string, string>>;
}

/**
 * Deploys a stack before the calling file's tests (in `beforeAll`) and destroys the clients
 * after them. Call it at the top level of a test file.
 */
export function useDeployedStack(): StackFixture {
  const clients = {
    dynamodb: new DynamoDBClient(awsClientConfig()),
    lambda: new LambdaClient(awsClientConfig()),
    sqs: new SQSClient(awsClientConfig()),
    sns: new SNSClient(awsClientConfig()),
  };
  let deployed: DeployedStack | undefined;
  beforeAll(async () => {
    deployed = await deployStack();
  }, 120_000);
  afterAll(() => {
    for (const client of Object.values(clients)) client.destroy();
  });
  const stack = (): DeployedStack => {
    if (deployed === undefined)
      throw new Error("the stack is deployed in beforeAll: use it in tests");
    return deployed;
  };
  return {
    ...clients,
    get stack() {
      return stack();
    },
    physicalId: (logicalId) => physicalIdOf(stack(), logicalId),
    functionConfiguration: (logicalId) =>
      clients.lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: physicalIdOf(stack(), logicalId) }),
      ),
    async queueAttributes(url) {
      const { Attributes } = await clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }),
      );
      return Attributes ?? {};
    },
  };
}

/** Account and region of every stack the emulator deploys here. */
export const STACK_ACCOUNT = "123456789012";
export const STACK_REGION = "us-east-1";

/** A resource of the translated template; throws if there is none. */
export function resourceOf(stack: DeployedStack, logicalId: string): TemplateResource {
  const found = stack.template.Resources[logicalId];
  if (found === undefined) throw new Error(`the translated template has no ${logicalId}`);
  return found;
}

/** The physical id (name, ARN or URL) the emulator gave a resource; throws if there is none. */
export function physicalIdOf(stack: DeployedStack, logicalId: string): string {
  const found = stack.resources.find((r) => r.LogicalResourceId === logicalId);
  if (found?.PhysicalResourceId === undefined) throw new Error(`the stack has no ${logicalId}`);
  return found.PhysicalResourceId;
}

/**
 * What the emulator leaves undone on a deployed stack, done by hand: its own SQS poller is
 * turned off on both functions (it would take each message, run no code and put it back, so the
 * tests play Lambda's poller), and the invocations queue gets the policy and the SNS
 * subscription its CloudFormation skips.
 */
export async function completeOnEmulator(
  stack: DeployedStack,
  clients: { readonly lambda: LambdaClient; readonly sqs: SQSClient; readonly sns: SNSClient },
): Promise<void> {
  const { lambda, sqs, sns } = clients;
  for (const fn of ["InvokeFunction", "TickFunction"]) {
    const { EventSourceMappings = [] } = await lambda.send(
      new ListEventSourceMappingsCommand({ FunctionName: physicalIdOf(stack, fn) }),
    );
    for (const mapping of EventSourceMappings) {
      await lambda.send(
        new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: false }),
      );
    }
  }
  const queueUrl = stack.outputs.InvocationsQueueUrl ?? "";
  const topicArn = stack.outputs.InvocationsTopicArn ?? "";
  const { Attributes: queue = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
  );
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
              Condition: { ArnEquals: { "aws:SourceArn": topicArn } },
            },
          ],
        }),
      },
    }),
  );
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: "sqs",
      Endpoint: queue.QueueArn,
      Attributes: { RawMessageDelivery: "true" },
    }),
  );
}

/** A statement of a role's inline policy, as the template writes it. */
export interface RoleStatement {
  readonly Effect: string;
  readonly Action: string | readonly string[];
  readonly Resource: unknown;
}

/** Every statement of a role's inline policies, intrinsic functions unresolved. */
export function roleStatementsOf(stack: DeployedStack, logicalId: string): RoleStatement[] {
  const policies = resourceOf(stack, logicalId).Properties?.Policies as
    | { PolicyDocument: { Statement: RoleStatement[] } }[]
    | undefined;
  return (policies ?? []).flatMap((policy) => policy.PolicyDocument.Statement);
}

/**
 * A role's inline policies with their intrinsic functions resolved to the stack's resources,
 * as CloudFormation would resolve them (the emulator's IAM keeps no usable copy). Knows the
 * forms template.yaml uses: `Ref`, `Fn::GetAtt [X, Arn]` and `Fn::Sub "${X.Arn}…"`.
 */
export function resolvedRolePolicy(stack: DeployedStack, logicalId: string): PolicyDocument {
  const arnOf = (id: string): string => {
    const physical = physicalIdOf(stack, id);
    const prefix = `${STACK_REGION}:${STACK_ACCOUNT}`;
    switch (resourceOf(stack, id).Type) {
      case "AWS::DynamoDB::Table":
        return `arn:aws:dynamodb:${prefix}:table/${physical}`;
      case "AWS::SQS::Queue":
        return `arn:aws:sqs:${prefix}:${physical.split("/").pop()}`;
      case "AWS::Logs::LogGroup":
        return `arn:aws:logs:${prefix}:log-group:${physical}:*`;
      default:
        throw new Error(`no Arn attribute known for ${id}`);
    }
  };
  const resolve = (value: unknown): unknown => {
    if (typeof value !== "object" || value === null) return value;
    if (Array.isArray(value)) return value.map(resolve);
    const node = value as Record<string, unknown>;
    if (typeof node.Ref === "string") return physicalIdOf(stack, node.Ref);
    if (Array.isArray(node["Fn::GetAtt"])) return arnOf(String(node["Fn::GetAtt"][0]));
    if (typeof node["Fn::Sub"] === "string") {
      return node["Fn::Sub"].replace(/\$\{([A-Za-z0-9]+)\.Arn\}/g, (_, id: string) => arnOf(id));
    }
    return Object.fromEntries(Object.entries(node).map(([key, inner]) => [key, resolve(inner)]));
  };
  return {
    Statement: resolve(roleStatementsOf(stack, logicalId)) as PolicyDocument["Statement"],
  };
}
