/**
 * How the DynamoDB store translates failures the emulator cannot produce: throttling and network
 * failures. These tests MOCK DynamoDB:
 * a client middleware answers each request with the SDK's own exception before anything is
 * sent. Everything the emulator can produce is tested against it in dynamodb.test.ts.
 */
import { DynamoDBClient, ProvisionedThroughputExceededException } from "@aws-sdk/client-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors.js";
import { createDynamoStore } from "../../src/store/dynamodb/store.js";
import type { ScheduleStore } from "../../src/store/types.js";
import { T0 } from "./fixtures.js";

const clients: DynamoDBClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

/** A store whose every request fails with `error` (nothing reaches a network). */
function storeFailingWith(error: Error): ScheduleStore {
  const client = new DynamoDBClient({
    region: "us-east-1",
    endpoint: "http://127.0.0.1:9",
    credentials: { accessKeyId: "mock", secretAccessKey: "mock" },
    maxAttempts: 1,
  });
  clients.push(client);
  client.middlewareStack.add(
    () => async () => {
      throw error;
    },
    { step: "initialize", name: "answerWithError" },
  );
  return createDynamoStore({ tableName: "schedules", client });
}

describe("the DynamoDB store's translation of errors the emulator cannot produce (mocked)", () => {
  it("reports throttling as StoreError that says to retry, with DynamoDB's error as cause", async () => {
    const throttled = new ProvisionedThroughputExceededException({
      message: "The level of configured provisioned throughput for the table was exceeded.",
      $metadata: { httpStatusCode: 400 },
    });
    const store = storeFailingWith(throttled);
    const failed = store.queryDue({ dueBefore: T0 });
    await expect(failed).rejects.toBeInstanceOf(StoreError);
    await expect(failed).rejects.toThrow(/throttled.*retry later/);
    await expect(failed).rejects.toHaveProperty("cause", throttled);
  });

  it("reports a network failure as StoreError with the cause", async () => {
    const timeout = Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
    const failed = storeFailingWith(timeout).updateRun(
      "s1",
      T0,
      { status: "RUNNING" },
      { expect: ["DISPATCHED"] },
    );
    await expect(failed).rejects.toBeInstanceOf(StoreError);
    await expect(failed).rejects.toThrow(/updateRun.*TimeoutError: socket hang up/);
    await expect(failed).rejects.toHaveProperty("cause", timeout);
  });
});
