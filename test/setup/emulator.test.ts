import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { awsClientConfig } from "../support/aws.js";

describe("the local AWS emulator", () => {
  it("answers DynamoDB requests over HTTP", async () => {
    const client = new DynamoDBClient(awsClientConfig());
    const tables = await client.send(new ListTablesCommand({}));
    expect(Array.isArray(tables.TableNames)).toBe(true);
  });
});
