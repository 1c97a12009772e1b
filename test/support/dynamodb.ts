/**
 * Schedule tables on the local AWS emulator. Its DynamoDB does not isolate concurrent writers,
 * so these clients send one request at a time.
 */
import { Agent } from "node:http";
import { DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createScheduleTable } from "../../src/store/dynamodb/store.js";
import { awsClientConfig, uniqueName } from "./aws.js";

/** A DynamoDB client of the emulator that sends one request at a time. */
export function serialDynamoClient(): DynamoDBClient {
  return new DynamoDBClient({
    ...awsClientConfig(),
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 1 }) },
  });
}

/** A new schedule table on the emulator, named from `prefix`. */
export interface EmulatorTable {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Deletes the table and lets go of the client. */
  drop(): Promise<void>;
}

/** Creates a schedule table (as `createScheduleTable` does) with its own serial client. */
export async function emulatorTable(prefix: string): Promise<EmulatorTable> {
  const client = serialDynamoClient();
  const tableName = uniqueName(prefix);
  await createScheduleTable(client, tableName);
  return {
    client,
    tableName,
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}
