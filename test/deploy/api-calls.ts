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
  /**
   * DynamoDB: the partition key values the request touches (IAM's `dynamodb:LeadingKeys`);
   * absent when the request names none this file can read.
   */
  readonly leadingKeys?: readonly string[];
  /**
   * DynamoDB UpdateItem: the top-level attribute names the request touches (IAM's
   * `dynamodb:Attributes`): its key's, and every name in its update and condition expressions.
   */
  readonly attributes?: readonly string[];
  /** DynamoDB: the request's `ReturnValues` (IAM's `dynamodb:ReturnValues`), when it sets one. */
  readonly returnValues?: string;
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

/** The table's partition key (SCHEDULE_TABLE.partitionKey). */
const PARTITION_KEY = "pk";

/** The partition key of an item or key in DynamoDB JSON (`{ pk: { S: "…" } }`). */
function partitionKeyOf(item: unknown): string | undefined {
  const value = (item as Record<string, { S?: unknown }> | undefined)?.[PARTITION_KEY]?.S;
  return typeof value === "string" ? value : undefined;
}

/** The partition key a Query's key condition binds (`pk = :v`, or `#n = :v` with #n → pk). */
function queriedPartitionKey(params: Record<string, unknown>): string | undefined {
  const expression = String(params.KeyConditionExpression ?? "");
  const names = (params.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (params.ExpressionAttributeValues ?? {}) as Record<string, { S?: unknown }>;
  for (const [, left, right] of expression.matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const name = left?.startsWith("#") ? names[left] : left;
    const value = values[right ?? ""]?.S;
    if (name === PARTITION_KEY && typeof value === "string") return value;
  }
  return undefined;
}

/** The leading keys of a single-item or Query call on the table (not on an index). */
function leadingKeysOf(operation: string, params: Record<string, unknown>): string[] | undefined {
  if (params.IndexName !== undefined) return undefined;
  const key =
    operation === "Query" ? queriedPartitionKey(params) : partitionKeyOf(params.Key ?? params.Item);
  return key === undefined ? undefined : [key];
}

/** Words of an expression that are not attribute names. */
const EXPRESSION_WORDS: ReadonlySet<string> = new Set([
  "SET",
  "REMOVE",
  "ADD",
  "DELETE",
  "AND",
  "OR",
  "NOT",
  "IN",
  "BETWEEN",
  "attribute_exists",
  "attribute_not_exists",
  "attribute_type",
  "begins_with",
  "contains",
  "size",
  "if_not_exists",
  "list_append",
]);

/**
 * The top-level attribute names an UpdateItem touches: its key's and those its update and
 * condition expressions name (IAM may count fewer; more is the safe side for this check).
 */
function attributesOf(params: Record<string, unknown>): string[] {
  const names = (params.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const found = new Set(Object.keys((params.Key ?? {}) as object));
  for (const expression of [params.UpdateExpression, params.ConditionExpression]) {
    const text = String(expression ?? "").replace(/:\w+/g, " ");
    for (const [token] of text.matchAll(/#?[A-Za-z_]\w*/g)) {
      if (EXPRESSION_WORDS.has(token)) continue;
      found.add(token.startsWith("#") ? (names[token] ?? token) : token);
    }
  }
  return [...found].sort();
}

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
          Object.entries(item).map(([kind, detail]) => {
            const key = partitionKeyOf(
              (detail as { Key?: unknown; Item?: unknown }).Key ??
                (detail as { Item?: unknown }).Item,
            );
            return {
              action: TRANSACT_ITEM_ACTION[kind] ?? `dynamodb:${kind}`,
              resource: table(detail.TableName),
              ...(key === undefined ? {} : { leadingKeys: [key] }),
            };
          }),
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
      const leadingKeys = leadingKeysOf(operation, params);
      return [
        {
          action: `dynamodb:${operation}`,
          resource: table(params.TableName, params.IndexName),
          ...(leadingKeys === undefined ? {} : { leadingKeys }),
          ...(operation === "UpdateItem" ? { attributes: attributesOf(params) } : {}),
          ...(typeof params.ReturnValues === "string" ? { returnValues: params.ReturnValues } : {}),
        },
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

/** A statement's condition block: operator → condition key → values. */
export type PolicyCondition = Readonly<
  Record<string, Readonly<Record<string, string | readonly string[]>>>
>;

/** An IAM policy document, intrinsic functions resolved. */
export interface PolicyDocument {
  readonly Statement: readonly {
    readonly Effect: string;
    readonly Action: string | readonly string[];
    readonly Resource: string | readonly string[];
    readonly Condition?: PolicyCondition;
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

/**
 * Whether `condition` holds for `permission`. Knows the conditions the template uses:
 * `ForAllValues:StringLike`/`StringEquals` on `dynamodb:LeadingKeys` and `dynamodb:Attributes`,
 * and `StringEqualsIfExists` on `dynamodb:ReturnValues`; it throws on any other rather than
 * pass it unread. A request whose keys or attributes this file cannot read does not satisfy a
 * `ForAllValues` condition (IAM would let an empty set through; a real request names them).
 */
function conditionHolds(condition: PolicyCondition | undefined, permission: Permission): boolean {
  if (condition === undefined) return true;
  return Object.entries(condition).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => {
      if (operator === "StringEqualsIfExists" && key === "dynamodb:ReturnValues") {
        const { returnValues } = permission;
        return returnValues === undefined || listOf(values).includes(returnValues);
      }
      const like = operator === "ForAllValues:StringLike";
      const set =
        key === "dynamodb:LeadingKeys"
          ? permission.leadingKeys
          : key === "dynamodb:Attributes"
            ? permission.attributes
            : undefined;
      if (
        !(key === "dynamodb:LeadingKeys" || key === "dynamodb:Attributes") ||
        !(like || operator === "ForAllValues:StringEquals")
      ) {
        throw new Error(`the IAM check does not know the condition ${operator} on ${key}`);
      }
      if (set === undefined || set.length === 0) return false;
      return set.every((value) =>
        listOf(values).some((allowed) => (like ? matches(allowed, value) : allowed === value)),
      );
    }),
  );
}

/** Whether an Allow statement of `policy` grants `permission` (policies here have no Deny). */
export function allows(policy: PolicyDocument, permission: Permission): boolean {
  return policy.Statement.some(
    (statement) =>
      statement.Effect === "Allow" &&
      listOf(statement.Action).some((action) => matches(action, permission.action, true)) &&
      listOf(statement.Resource).some((resource) => matches(resource, permission.resource)) &&
      conditionHolds(statement.Condition, permission),
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
    .map(
      (permission) =>
        `${permission.action} on ${permission.resource}${
          permission.leadingKeys === undefined ? "" : ` (${permission.leadingKeys.join(", ")})`
        }${permission.attributes === undefined ? "" : ` [${permission.attributes.join(", ")}]`}`,
    );
}
