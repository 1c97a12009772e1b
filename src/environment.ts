/**
 * The environment variables the Lambda handlers read. template.yaml sets exactly these; the
 * deploy test checks that the two agree.
 */
import { ConfigurationError } from "./errors.js";
import { createDynamoStore } from "./store/dynamodb/store.js";
import type { ScheduleStore } from "./store/types.js";

/** Names of the handlers' environment variables. */
export const ENV = {
  /** DynamoDB table of schedules and runs. */
  table: "SCHEDULE_TABLE",
  /**
   * Shards of the due index. The table records its count at first use (32 unless this says
   * otherwise); when set, it must equal the recorded count, or the store refuses to work.
   */
  dueShards: "DUE_SHARDS",
  /** SNS topic the tick publishes occurrences to. */
  invocationsTopicArn: "INVOCATIONS_TOPIC_ARN",
  /** SQS queue precise occurrences are sent to directly, with DelaySeconds. */
  invocationsQueueUrl: "INVOCATIONS_QUEUE_URL",
  /** SNS topic failure and expiry events are published to. */
  errorsTopicArn: "ERRORS_TOPIC_ARN",
  /** Days run records are kept (DynamoDB TTL), default 30. */
  runRetentionDays: "RUN_RETENTION_DAYS",
  /** SQS queue of shard work items (`{"shard": n}`) that the tick function hands on and consumes. */
  tickShardsQueueUrl: "TICK_SHARDS_QUEUE_URL",
  /**
   * The invocations queue's maxReceiveCount (its redrive policy): on the receive that reaches
   * it, a failed attempt is final. Unset: the jobs' retry policies alone decide.
   */
  maxReceiveCount: "MAX_RECEIVE_COUNT",
  /** `true` logs each delivered envelope's payload (with {@link ENV.logMask}); default `false`. */
  logPayloads: "LOG_PAYLOADS",
  /** Comma-separated envelope paths masked when payloads are logged, e.g. `payload.password`. */
  logMask: "LOG_MASK",
  /** CloudWatch namespace of the handlers' metrics (read by metrics.ts); default `LambdaScheduler`. */
  metricsNamespace: "POWERTOOLS_METRICS_NAMESPACE",
} as const;
export type EnvName = (typeof ENV)[keyof typeof ENV];

/** Reads a required variable, or throws a {@link ConfigurationError} that names it. */
export function requireEnv(name: EnvName, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === "") {
    throw new ConfigurationError(`environment variable ${name} is not set`);
  }
  return value;
}

/** Reads an optional positive integer variable, or returns `fallback`. */
export function intEnv(
  name: EnvName,
  fallback: number,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const value = env[name];
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new ConfigurationError(
      `environment variable ${name} must be a whole number ≥ 1, got "${value}"`,
    );
  }
  return parsed;
}

/** Reads an optional `true`/`false` variable (unset or empty: `fallback`). */
export function boolEnv(
  name: EnvName,
  fallback: boolean,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const value = env[name];
  if (value === undefined || value === "") return fallback;
  if (value === "true" || value === "false") return value === "true";
  throw new ConfigurationError(
    `environment variable ${name} must be true or false, got "${value}"`,
  );
}

/** Reads an optional comma-separated list; blanks are dropped. */
export function listEnv(name: EnvName, env: NodeJS.ProcessEnv = process.env): string[] {
  return (env[name] ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/**
 * The store of both handlers: the table {@link ENV.table}. {@link ENV.dueShards}, when set, is
 * the shard count the table must record (it records it at first use); unset, the recorded count
 * is used.
 */
export function storeFromEnvironment(env: NodeJS.ProcessEnv = process.env): ScheduleStore {
  const shards = env[ENV.dueShards];
  return createDynamoStore({
    tableName: requireEnv(ENV.table, env),
    ...(shards === undefined || shards === "" ? {} : { dueShards: intEnv(ENV.dueShards, 1, env) }),
  });
}
