/**
 * What the DynamoDB store's modules share: the document client, the table, the shard count
 * (read from the table once), the clock, and one way to send a request that translates its
 * errors.
 */
import type { ReturnConsumedCapacity } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Clock } from "../../clock.js";
import { type Operation, storeErrorOf } from "./errors.js";

export interface DynamoContext {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The due index's shard count as the table records it (see config.ts); read once, then kept. */
  readonly dueShards: () => Promise<number>;
  /** Stamps `updatedAt` when a write does not say when it happened. */
  readonly clock: Clock;
  /** Spread into every request: `ReturnConsumedCapacity` when asked for, else nothing. */
  readonly capacity: { readonly ReturnConsumedCapacity?: ReturnConsumedCapacity };
}

/** Runs one request; a failure becomes our error (ConflictError, StoreError) with `cause`. */
export async function request<T>(
  context: Pick<DynamoContext, "doc" | "tableName">,
  operation: Omit<Operation, "tableName">,
  call: (doc: DynamoDBDocumentClient) => Promise<T>,
): Promise<T> {
  try {
    return await call(context.doc);
  } catch (error) {
    throw storeErrorOf(error, { ...operation, tableName: context.tableName });
  }
}
