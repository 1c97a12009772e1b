/**
 * Which AWS permissions a process needs, found by watching what it sends: a recording proxy
 * in front of the emulator, and the rules that turn each API call into the IAM actions and
 * resources AWS authorises it as. The emulator enforces no IAM, so this is how the deploy test
 * shows that the template's least-privilege roles are enough for the bundles.
 */
import { createServer, request as httpRequest, type Server } from "node:http";

/** One API call as sent: the service, the operation and its JSON or form parameters. */
export interface ApiCall {
  readonly service: "dynamodb" | "sqs" | "sns" | string;
  readonly operation: string;
  readonly params: Record<string, unknown>;
}

/** An IAM action on a resource ARN. */
export interface Permission {
  readonly action: string;
  readonly resource: string;
}

/** A proxy that forwards to `target` and records every AWS API call it passes on. */
export interface RecordingProxy {
  readonly endpoint: string;
  readonly calls: ApiCall[];
  close(): Promise<void>;
}

/** Starts a {@link RecordingProxy} on a free loopback port. */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const calls: ApiCall[] = [];
  const upstream = new URL(target);
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const body = Buffer.concat(chunks);
      const call = parseCall(incoming.headers["x-amz-target"], body.toString("utf8"));
      if (call !== undefined) calls.push(call);
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (response) => {
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
        },
      );
      forward.on("error", (error) => {
        outgoing.writeHead(502);
        outgoing.end(String(error));
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** JSON protocols name the operation in X-Amz-Target; query protocols in the `Action` field. */
function parseCall(target: string | string[] | undefined, body: string): ApiCall | undefined {
  if (typeof target === "string") {
    const [prefix = "", operation = ""] = target.split(".");
    const service = prefix.startsWith("DynamoDB")
      ? "dynamodb"
      : prefix === "AmazonSQS"
        ? "sqs"
        : prefix;
    return {
      service,
      operation,
      params: body === "" ? {} : (JSON.parse(body) as Record<string, unknown>),
    };
  }
  const form = new URLSearchParams(body);
  const action = form.get("Action");
  if (action === null) return undefined;
  // Only SNS speaks the query protocol among the services the bundles use.
  return { service: "sns", operation: action, params: Object.fromEntries(form) };
}

/** Batch operations that IAM authorises as their single-message action. */
const BATCH_ACTION: Record<string, string> = {
  "sns:PublishBatch": "sns:Publish",
  "sqs:SendMessageBatch": "sqs:SendMessage",
  "sqs:DeleteMessageBatch": "sqs:DeleteMessage",
  "sqs:ChangeMessageVisibilityBatch": "sqs:ChangeMessageVisibility",
};

/** DynamoDB transactions are authorised item by item, as these actions. */
const TRANSACT_ITEM_ACTION: Record<string, string> = {
  Put: "dynamodb:PutItem",
  Update: "dynamodb:UpdateItem",
  Delete: "dynamodb:DeleteItem",
  ConditionCheck: "dynamodb:ConditionCheckItem",
  Get: "dynamodb:GetItem",
};

/** The permissions AWS checks for `call`, in `region` of `account`. */
export function permissionsOf(call: ApiCall, region: string, account: string): Permission[] {
  const table = (name: unknown, index?: unknown) =>
    `arn:aws:dynamodb:${region}:${account}:table/${String(name)}${index ? `/index/${String(index)}` : ""}`;
  const queue = (url: unknown) => {
    const name = String(url).split("/").pop();
    return `arn:aws:sqs:${region}:${account}:${name}`;
  };
  const { service, operation, params } = call;
  switch (service) {
    case "dynamodb": {
      if (operation === "TransactWriteItems" || operation === "TransactGetItems") {
        const items = (params.TransactItems ?? []) as Record<string, { TableName: string }>[];
        return items.flatMap((item) =>
          Object.entries(item).map(([kind, detail]) => ({
            action: TRANSACT_ITEM_ACTION[kind] ?? `dynamodb:${kind}`,
            resource: table(detail.TableName),
          })),
        );
      }
      if (operation === "BatchWriteItem" || operation === "BatchGetItem") {
        const requests = (params.RequestItems ?? {}) as Record<
          string,
          Record<string, unknown>[] | object
        >;
        return Object.entries(requests).flatMap(([name, entries]) => {
          if (operation === "BatchGetItem")
            return [{ action: "dynamodb:GetItem", resource: table(name) }];
          return (entries as Record<string, unknown>[]).flatMap((entry) =>
            Object.keys(entry).map((kind) => ({
              action: kind === "PutRequest" ? "dynamodb:PutItem" : "dynamodb:DeleteItem",
              resource: table(name),
            })),
          );
        });
      }
      return [
        { action: `dynamodb:${operation}`, resource: table(params.TableName, params.IndexName) },
      ];
    }
    case "sqs": {
      const action = BATCH_ACTION[`sqs:${operation}`] ?? `sqs:${operation}`;
      const resource =
        operation === "GetQueueUrl"
          ? `arn:aws:sqs:${region}:${String(params.QueueOwnerAWSAccountId ?? account)}:${String(params.QueueName)}`
          : queue(params.QueueUrl);
      return [{ action, resource }];
    }
    case "sns":
      return [
        {
          action: BATCH_ACTION[`sns:${operation}`] ?? `sns:${operation}`,
          resource: String(params.TopicArn),
        },
      ];
    default:
      return [{ action: `${service}:${operation}`, resource: "*" }];
  }
}

/** An IAM policy document, intrinsic functions resolved. */
export interface PolicyDocument {
  readonly Statement: readonly {
    readonly Effect: string;
    readonly Action: string | readonly string[];
    readonly Resource: string | readonly string[];
  }[];
}

function listOf(value: string | readonly string[]): readonly string[] {
  return typeof value === "string" ? [value] : value;
}

/** IAM's wildcards: `*` any run of characters, `?` one; case-sensitive for resources. */
function matches(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(value);
}

/** Whether an Allow statement of `policy` grants `permission` (policies here have no Deny). */
export function allows(policy: PolicyDocument, permission: Permission): boolean {
  return policy.Statement.some(
    (statement) =>
      statement.Effect === "Allow" &&
      listOf(statement.Action).some((action) => matches(action, permission.action, true)) &&
      listOf(statement.Resource).some((resource) => matches(resource, permission.resource)),
  );
}

/** The permissions `calls` need that `policy` does not grant, as `action on resource`. */
export function deniedBy(
  policy: PolicyDocument,
  calls: readonly ApiCall[],
  where: { readonly region: string; readonly account: string },
): string[] {
  return calls
    .flatMap((call) => permissionsOf(call, where.region, where.account))
    .filter((permission) => !allows(policy, permission))
    .map((permission) => `${permission.action} on ${permission.resource}`);
}
