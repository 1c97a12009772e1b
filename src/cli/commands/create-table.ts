/**
 * `lambda-scheduler create-table --table NAME`: the schedule table without SAM, for DynamoDB
 * Local, emulators and accounts deployed another way.
 */
import { Command, Option } from "commander";
import { ConfigurationError } from "../../errors.js";
import { addExamples, addJsonOption, outputOf } from "../command.js";
import { dueShardsOf, STORE_ENV } from "../store-option.js";
import { usageError } from "../usage.js";

interface CreateTableOptionValues {
  readonly table?: string;
  readonly dueShards?: string;
}

/**
 * The `create-table` command: creates the table as template.yaml does (keys, the sparse `due`
 * index, TTL on run records, on-demand capacity) and records its due shard count in the CONFIG
 * item. Run again, it changes nothing and says so; it turns TTL on if it was off, and refuses a
 * table that records another shard count.
 *
 * @example
 * program.addCommand(createTableCommand());
 */
export function createTableCommand(): Command {
  const command = new Command("create-table")
    .description(
      "create the DynamoDB schedule table (keys, due index, TTL, shard count) without SAM",
    )
    .addOption(new Option("--table <name>", "name of the table to create").env(STORE_ENV.table))
    .addOption(
      new Option(
        "--due-shards <n>",
        `shards of the due index, recorded in the table (default: ${STORE_ENV.dueShards}, else 32)`,
      ),
    );
  addJsonOption(command);
  addExamples(command, [
    "create-table --table schedules",
    "AWS_ENDPOINT_URL=http://localhost:8000 lambda-scheduler create-table --table schedules",
  ]);
  return command.action(async (options: CreateTableOptionValues, self: Command) => {
    if (options.table === undefined || options.table === "") {
      usageError(
        self,
        "create-table needs the table's name: --table NAME (or LAMBDA_SCHEDULER_TABLE)",
      );
    }
    const env =
      options.dueShards === undefined
        ? process.env
        : { ...process.env, [STORE_ENV.dueShards]: options.dueShards };
    const dueShards = dueShardsOf(env);
    const out = outputOf(self);
    const tableName = options.table;
    // Loaded on use: the SDK is the larger part of a command's start.
    const {
      DynamoDBClient,
      DescribeTableCommand,
      DescribeTimeToLiveCommand,
      UpdateTimeToLiveCommand,
      ResourceNotFoundException,
    } = await import("@aws-sdk/client-dynamodb");
    const { createScheduleTable, SCHEDULE_TABLE } = await import("../../store/dynamodb/table.js");
    const { createDynamoStore } = await import("../../store/dynamodb/store.js");
    const client = new DynamoDBClient({});
    try {
      let existed = true;
      try {
        await client.send(new DescribeTableCommand({ TableName: tableName }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
        existed = false;
      }
      if (!existed) await createScheduleTable(client, tableName, { ifNotExists: true });
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
      const ttlOn =
        ttl.TimeToLiveDescription?.TimeToLiveStatus === "ENABLED" ||
        ttl.TimeToLiveDescription?.TimeToLiveStatus === "ENABLING";
      if (!ttlOn) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: tableName,
            TimeToLiveSpecification: { AttributeName: SCHEDULE_TABLE.ttlAttribute, Enabled: true },
          }),
        );
      }
      const store = createDynamoStore({
        tableName,
        client,
        ...(dueShards === undefined ? {} : { dueShards }),
      });
      let shards: number;
      try {
        shards = await store.dueShards();
      } catch (error) {
        if (error instanceof ConfigurationError && options.dueShards !== undefined) {
          throw new ConfigurationError(
            error.message.replace(
              "(DUE_SHARDS in the stack, LAMBDA_SCHEDULER_DUE_SHARDS for the CLI)",
              "(--due-shards)",
            ),
            { cause: error },
          );
        }
        throw error;
      }
      if (out.json) {
        out.data({
          table: tableName,
          created: !existed,
          dueShards: shards,
          ttl: SCHEDULE_TABLE.ttlAttribute,
        });
        return;
      }
      out.print(
        existed
          ? `exists: table ${tableName} (${shards} due shards${ttlOn ? "" : "; TTL turned on"}); check it with lambda-scheduler doctor --table ${tableName}`
          : `created: table ${tableName} (${shards} due shards, TTL on ${SCHEDULE_TABLE.ttlAttribute})`,
      );
    } finally {
      client.destroy();
    }
  });
}
