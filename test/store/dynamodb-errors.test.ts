/**
 * How the DynamoDB store translates failures the emulator cannot produce: throttling, and
 * transactions cancelled by a concurrent transaction or for capacity. These tests MOCK DynamoDB:
 * a client middleware answers each request with the SDK's own exception before anything is
 * sent. Everything the emulator can produce is tested against it in dynamodb.test.ts.
 */
import {
  type CancellationReason,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors.js";
import { createDynamoStore } from "../../src/store/dynamodb/store.js";
import type { ScheduleStore } from "../../src/store/types.js";
import { aRun, aSchedule, stored, T0 } from "./fixtures.js";

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

function cancelled(...codes: string[]): TransactionCanceledException {
  const reasons: CancellationReason[] = codes.map((Code) => ({ Code }));
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(", ")}]`,
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: reasons,
  });
}

const claimOf = (store: ScheduleStore) =>
  store.claim({ schedule: stored(aSchedule("s1")), changes: {}, runs: [aRun("s1", T0)] });

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

  it.each([
    [
      "a concurrent transaction on the schedule",
      ["TransactionConflict", "None"],
      "schedule-changed",
    ],
    ["a concurrent transaction on a run", ["None", "TransactionConflict"], "run-exists"],
    [
      "a lost schedule condition and a run that exists",
      ["ConditionalCheckFailed", "ConditionalCheckFailed"],
      "schedule-changed",
    ],
  ])("refuses a claim cancelled by %s, as a lost race", async (_, codes, reason) => {
    const store = storeFailingWith(cancelled(...codes));
    expect(await claimOf(store)).toEqual({ claimed: false, reason });
  });

  it.each([
    ["throttling", ["ThrottlingError", "None"]],
    ["throttling beside a lost condition", ["ConditionalCheckFailed", "ThrottlingError"]],
    ["a validation error", ["ValidationError", "None"]],
  ])("fails a claim cancelled for %s with StoreError naming the reasons", async (_, codes) => {
    const error = cancelled(...codes);
    const failed = claimOf(storeFailingWith(error));
    await expect(failed).rejects.toBeInstanceOf(StoreError);
    await expect(failed).rejects.toThrow(codes.join(", "));
    await expect(failed).rejects.toHaveProperty("cause", error);
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
