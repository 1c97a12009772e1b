/**
 * Watching what a DynamoDB client sends, for benchmarks and tests: one report per request, with
 * what DynamoDB says it read. Counting requests and items is the only honest cost measure on
 * an emulator, whose timings say nothing about DynamoDB's.
 */
import type { ConsumedCapacity, DynamoDBClient } from "@aws-sdk/client-dynamodb";

/** One request as the client sent it and DynamoDB answered it. */
export interface DynamoRequest {
  /** The command's name, e.g. `QueryCommand`, `UpdateItemCommand`. */
  readonly command: string;
  /** The index a Query or Scan read, if any. */
  readonly indexName?: string;
  /** Items returned (Query, Scan). */
  readonly count?: number;
  /** Items read before any filter (Query, Scan). */
  readonly scannedCount?: number;
  /** Present when the request asked for it (`returnConsumedCapacity`). */
  readonly consumedCapacity?: ConsumedCapacity | readonly ConsumedCapacity[];
  /** The error's name when the request failed. */
  readonly error?: string;
}

let observers = 0;

/**
 * Calls `onRequest` after every request `client` sends (stores built on it included); returns a
 * function that stops watching.
 *
 * @example
 * const requests: DynamoRequest[] = [];
 * const stop = observeDynamoRequests(client, (r) => requests.push(r));
 */
export function observeDynamoRequests(
  client: DynamoDBClient,
  onRequest: (request: DynamoRequest) => void,
): () => void {
  observers += 1;
  const name = `lambdaSchedulerObserver${observers}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { IndexName?: string };
      const base = {
        command: context.commandName ?? "unknown",
        ...(input.IndexName ? { indexName: input.IndexName } : {}),
      };
      try {
        const result = await next(args);
        const output = result.output as {
          Count?: number;
          ScannedCount?: number;
          ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[];
        };
        onRequest({
          ...base,
          ...(output.Count === undefined ? {} : { count: output.Count }),
          ...(output.ScannedCount === undefined ? {} : { scannedCount: output.ScannedCount }),
          ...(output.ConsumedCapacity === undefined
            ? {}
            : { consumedCapacity: output.ConsumedCapacity }),
        });
        return result;
      } catch (error) {
        onRequest({ ...base, error: error instanceof Error ? error.name : String(error) });
        throw error;
      }
    },
    { step: "initialize", name },
  );
  return () => {
    client.middlewareStack.remove(name);
  };
}
