/**
 * `lambda-scheduler doctor`: checks that a deployment (or a hand-made setup) is what the
 * scheduler expects, and says how to fix what is not.
 */
import type { DescribeTableCommandOutput } from "@aws-sdk/client-dynamodb";
import { Command, Option } from "commander";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { addJobsOption, type JobsOptionValues } from "../jobs-option.js";
import {
  addStoreOptions,
  dueShardsOf,
  readPages,
  STORE_BACKEND,
  STORE_ENV,
  type StoreOptionValues,
  withStore,
} from "../store-option.js";
import { TRANSPORT_ENV } from "../transport-option.js";

interface DoctorOptionValues extends JobsOptionValues, StoreOptionValues {
  readonly topicArn?: string;
  readonly queueUrl?: string;
}

/** What doctor found: checks that passed, problems with their fixes, and what it could not check. */
export interface DoctorReport {
  readonly ok: string[];
  readonly problems: { readonly problem: string; readonly fix: string }[];
  readonly skipped: string[];
}

const errorName = (error: unknown): string => (error as { name?: string }).name ?? "";

/** An index projection as DescribeTable and the schema spell it. */
interface Projection {
  readonly ProjectionType?: string;
  readonly NonKeyAttributes?: readonly string[];
}

/** Whether a deployed index projects what the store expects (attributes in any order). */
function sameProjection(found: Projection | undefined, want: Projection): boolean {
  const attributes = (projection: Projection | undefined) =>
    JSON.stringify([...(projection?.NonKeyAttributes ?? [])].sort());
  return found?.ProjectionType === want.ProjectionType && attributes(found) === attributes(want);
}

/** A projection in words: "ALL", or "INCLUDE job, expiresAt". */
function projectionText(projection: Projection): string {
  const attributes = projection.NonKeyAttributes ?? [];
  return attributes.length === 0
    ? `${projection.ProjectionType}`
    : `${projection.ProjectionType} ${attributes.join(", ")}`;
}

async function checkTable(table: string, report: DoctorReport): Promise<void> {
  const { DynamoDBClient, DescribeTableCommand, DescribeTimeToLiveCommand, GetItemCommand } =
    await import("@aws-sdk/client-dynamodb");
  const { SCHEDULE_TABLE, SCHEDULE_TABLE_SCHEMA } = await import("../../store/dynamodb/table.js");
  const client = new DynamoDBClient({});
  try {
    let described: DescribeTableCommandOutput;
    try {
      described = await client.send(new DescribeTableCommand({ TableName: table }));
    } catch (error) {
      if (errorName(error) !== "ResourceNotFoundException") throw error;
      report.problems.push({
        problem: `table ${table} does not exist (in this account and region)`,
        fix: `deploy the stack (lambda-scheduler deploy), or lambda-scheduler create-table --table ${table}`,
      });
      return;
    }
    const info = described.Table ?? {};
    const keys = JSON.stringify(info.KeySchema ?? []);
    if (keys === JSON.stringify(SCHEDULE_TABLE_SCHEMA.KeySchema))
      report.ok.push("table keys pk/sk");
    else {
      report.problems.push({
        problem: `table ${table} has keys ${keys}; the store needs pk (HASH) and sk (RANGE), both strings`,
        fix: `use a table made by the stack or by lambda-scheduler create-table --table NEW_NAME`,
      });
    }
    // What is missing without each index, for the problem line.
    const without = {
      due: "the tick cannot find due schedules",
      runs: "`lambda-scheduler runs` cannot list runs across schedules",
    } as const satisfies Record<keyof typeof SCHEDULE_TABLE.indexes, string>;
    SCHEDULE_TABLE_SCHEMA.GlobalSecondaryIndexes.forEach((wantIndex, i) => {
      const want = Object.values(SCHEDULE_TABLE.indexes)[
        i
      ] as (typeof SCHEDULE_TABLE.indexes)[keyof typeof SCHEDULE_TABLE.indexes];
      const index = (info.GlobalSecondaryIndexes ?? []).find((gsi) => gsi.IndexName === want.name);
      if (
        index !== undefined &&
        JSON.stringify(index.KeySchema) === JSON.stringify(wantIndex.KeySchema) &&
        sameProjection(index.Projection, wantIndex.Projection)
      ) {
        report.ok.push(
          `index ${want.name} (${want.partitionKey}, ${want.sortKey}, ${projectionText(wantIndex.Projection)})`,
        );
        return;
      }
      const types = SCHEDULE_TABLE.attributes;
      report.problems.push({
        problem:
          index === undefined
            ? `table ${table} has no "${want.name}" index: ${without[want.name]}`
            : `index "${want.name}" of ${table} is not keyed ${want.partitionKey}/${want.sortKey} with projection ${projectionText(wantIndex.Projection)}`,
        fix: `add the global secondary index ${want.name}: partition ${want.partitionKey} (${types[want.partitionKey]}), sort ${want.sortKey} (${types[want.sortKey]}), projection ${projectionText(wantIndex.Projection)} (as template.yaml declares it)`,
      });
    });
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: table }));
    const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
    const attribute = ttl.TimeToLiveDescription?.AttributeName;
    if (
      (status === "ENABLED" || status === "ENABLING") &&
      attribute === SCHEDULE_TABLE.ttlAttribute
    ) {
      report.ok.push(`TTL on ${SCHEDULE_TABLE.ttlAttribute}`);
    } else {
      report.problems.push({
        problem: `TTL of ${table} is ${status ?? "off"}${attribute ? ` on ${attribute}` : ""}: run history is never purged`,
        fix: `aws dynamodb update-time-to-live --table-name ${table} --time-to-live-specification Enabled=true,AttributeName=${SCHEDULE_TABLE.ttlAttribute}`,
      });
    }
    const config = await client.send(
      new GetItemCommand({
        TableName: table,
        Key: {
          pk: { S: SCHEDULE_TABLE.keyPrefix.config },
          sk: { S: SCHEDULE_TABLE.keyPrefix.config },
        },
        ConsistentRead: true,
      }),
    );
    const recorded = config.Item?.dueShards?.N;
    const configured = dueShardsOf(process.env);
    if (recorded === undefined) {
      report.skipped.push(
        `shard count: ${table} records none yet (the first tick or command records ${configured ?? 32}; create-table records it at once)`,
      );
    } else if (configured !== undefined && configured !== Number(recorded)) {
      report.problems.push({
        problem: `${table} records ${recorded} due shards, but ${STORE_ENV.dueShards} is ${configured}: commands would refuse to work`,
        fix: `unset ${STORE_ENV.dueShards}, or set it to ${recorded}`,
      });
    } else report.ok.push(`${recorded} due shards recorded`);
  } finally {
    client.destroy();
  }
}

/** Checks the topic, the queue and its dead-letter queue; returns the queue's maxReceiveCount. */
async function checkTransport(
  options: DoctorOptionValues,
  report: DoctorReport,
): Promise<number | undefined> {
  if (options.topicArn === undefined || options.topicArn === "") {
    report.skipped.push(`invocations topic: give --topic-arn ARN (${TRANSPORT_ENV.topicArn})`);
  } else {
    const { SNSClient, GetTopicAttributesCommand } = await import("@aws-sdk/client-sns");
    const sns = new SNSClient({});
    try {
      await sns.send(new GetTopicAttributesCommand({ TopicArn: options.topicArn }));
      report.ok.push(`invocations topic ${options.topicArn}`);
    } catch (error) {
      report.problems.push({
        problem: `invocations topic ${options.topicArn} cannot be read: ${(error as Error).message}`,
        fix: "give the stack's InvocationsTopicArn output (sam list stack-outputs), with credentials of its account and region",
      });
    } finally {
      sns.destroy();
    }
  }
  if (options.queueUrl === undefined || options.queueUrl === "") {
    report.skipped.push(
      `invocations queue and DLQ: give --queue-url URL (${TRANSPORT_ENV.queueUrl})`,
    );
    return undefined;
  }
  const { SQSClient, GetQueueAttributesCommand, GetQueueUrlCommand } = await import(
    "@aws-sdk/client-sqs"
  );
  const sqs = new SQSClient({});
  try {
    let attributes: Record<string, string>;
    try {
      const answer = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: options.queueUrl, AttributeNames: ["All"] }),
      );
      attributes = answer.Attributes ?? {};
      report.ok.push(`invocations queue ${options.queueUrl}`);
    } catch (error) {
      report.problems.push({
        problem: `invocations queue ${options.queueUrl} cannot be read: ${(error as Error).message}`,
        fix: "give the stack's InvocationsQueueUrl output (sam list stack-outputs)",
      });
      return undefined;
    }
    const redrive = attributes.RedrivePolicy
      ? (JSON.parse(attributes.RedrivePolicy) as {
          deadLetterTargetArn?: string;
          maxReceiveCount?: number | string;
        })
      : undefined;
    if (redrive?.deadLetterTargetArn === undefined) {
      report.problems.push({
        problem:
          "the invocations queue has no dead-letter queue: a message that keeps failing is retried until it expires",
        fix: "set a RedrivePolicy (deadLetterTargetArn, maxReceiveCount), as template.yaml does",
      });
      return undefined;
    }
    const [, , , , account, name] = redrive.deadLetterTargetArn.split(":");
    try {
      await sqs.send(
        new GetQueueUrlCommand({
          QueueName: name ?? "",
          ...(account ? { QueueOwnerAWSAccountId: account } : {}),
        }),
      );
      report.ok.push(`dead-letter queue ${redrive.deadLetterTargetArn}`);
    } catch (error) {
      report.problems.push({
        problem: `the dead-letter queue ${redrive.deadLetterTargetArn} does not exist: ${(error as Error).message}`,
        fix: "create it, or point the invocations queue's RedrivePolicy at an existing queue",
      });
    }
    const maxReceiveCount = Number(redrive.maxReceiveCount);
    return Number.isFinite(maxReceiveCount) ? maxReceiveCount : undefined;
  } finally {
    sqs.destroy();
  }
}

/**
 * The `doctor` command: checks the table (keys, due index, TTL, recorded shard count against
 * LAMBDA_SCHEDULER_DUE_SHARDS), the invocations topic, queue and DLQ, the queue's
 * maxReceiveCount against the jobs' retry attempts, and that every job a schedule names is in
 * the jobs module. Prints each problem with its fix; exits 1 when it found one.
 *
 * @example
 * program.addCommand(doctorCommand());
 */
export function doctorCommand(): Command {
  const command = new Command("doctor").description(
    "check the table, topic, queue, DLQ and jobs a deployment uses, and say how to fix problems",
  );
  addStoreOptions(command);
  addJobsOption(command, "jobs module: check retry attempts and that every scheduled job exists");
  command
    .addOption(
      new Option("--topic-arn <arn>", "the invocations SNS topic").env(TRANSPORT_ENV.topicArn),
    )
    .addOption(
      new Option("--queue-url <url>", "the invocations SQS queue").env(TRANSPORT_ENV.queueUrl),
    );
  addJsonOption(command);
  addExamples(command, [
    "doctor --table schedules --jobs jobs/index.ts --topic-arn arn:aws:sns:eu-west-1:123456789012:invocations --queue-url https://sqs.eu-west-1.amazonaws.com/123456789012/invocations",
    "doctor --jobs jobs/index.ts        # the embedded store's schedules against your jobs",
  ]);
  return command.action(async (options: DoctorOptionValues, self: Command) => {
    const out = outputOf(self);
    const report: DoctorReport = { ok: [], problems: [], skipped: [] };
    const table = self.getOptionValueSource("db") === "cli" ? undefined : options.table;
    if (table !== undefined && table !== "") await checkTable(table, report);
    const maxReceiveCount = await checkTransport(options, report);

    let jobNames: Set<string> | undefined;
    if (options.jobs !== undefined && options.jobs !== "") {
      const { loadJobs } = await import("../../local/load-jobs.js");
      const jobs = await loadJobs(options.jobs);
      jobNames = new Set(jobs.map((job) => job.name));
      const most = jobs.reduce(
        (max, job) => (job.retry.attempts > (max?.retry.attempts ?? 0) ? job : max),
        jobs[0],
      );
      if (maxReceiveCount === undefined || most === undefined) {
        if (most !== undefined)
          report.skipped.push(
            "redrive limit: give --queue-url to compare it with the jobs' retry attempts",
          );
      } else if (maxReceiveCount <= most.retry.attempts) {
        report.problems.push({
          problem: `the queue moves a message to the DLQ after ${maxReceiveCount} receives, but job "${most.name}" makes up to ${most.retry.attempts} attempts: its last attempts never run`,
          fix: `deploy with MaxReceiveCount=${most.retry.attempts + 1} or more (lambda-scheduler deploy -- --parameter-overrides MaxReceiveCount=${most.retry.attempts + 1}), or lower the job's retry.attempts`,
        });
      } else
        report.ok.push(
          `redrive limit ${maxReceiveCount} > ${most.retry.attempts} attempts (job "${most.name}")`,
        );
    } else
      report.skipped.push(
        "jobs: give --jobs MODULE to check retry attempts and scheduled job names",
      );

    const reachable =
      table !== undefined && table !== ""
        ? !report.problems.some((p) => p.problem.startsWith(`table ${table} does not exist`))
        : true;
    if (jobNames !== undefined && reachable) {
      const names = jobNames;
      await withStore(
        self,
        async (store, choice) => {
          const { items } = await readPages(Number.POSITIVE_INFINITY, (page) =>
            store.listSchedules(page),
          );
          const missing = new Map<string, string[]>();
          for (const schedule of items) {
            if (!names.has(schedule.job))
              missing.set(schedule.job, [...(missing.get(schedule.job) ?? []), schedule.id]);
          }
          const where = choice.backend === STORE_BACKEND.dynamodb ? ` --table ${choice.table}` : "";
          for (const [job, ids] of missing) {
            report.problems.push({
              problem: `${ids.length} schedule(s) name job "${job}", which ${options.jobs} does not define (${ids.slice(0, 3).join(", ")}${ids.length > 3 ? ", …" : ""}): their runs fail`,
              fix: `define "${job}" in a module ${options.jobs} imports, then build and deploy; or lambda-scheduler remove ${ids[0]}${where}`,
            });
          }
          if (missing.size === 0)
            report.ok.push(`every scheduled job is defined (${items.length} schedules)`);
        },
        { mustExist: true },
      );
    }

    if (out.json) out.data(report);
    else {
      for (const line of report.ok) out.print(`${out.paint("green", "ok")}       ${line}`);
      for (const line of report.skipped) out.print(`${out.paint("dim", "skipped")}  ${line}`);
      for (const { problem, fix } of report.problems) {
        out.print(`${out.paint("red", "problem")}  ${problem}\n         fix: ${fix}`);
      }
      if (report.problems.length === 0) out.note("no problem found");
    }
    if (report.problems.length > 0) process.exitCode = 1;
  });
}
