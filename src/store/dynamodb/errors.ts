/**
 * DynamoDB's errors in our terms (STYLE 4): a lost condition is a {@link ConflictError},
 * everything else a {@link StoreError} that says what to do, each with the SDK's error as
 * `cause`.
 */
import { ConflictError, SchedulerError, StoreError } from "../../errors.js";

/** What the store was doing, for messages. */
export interface Operation {
  readonly name: string;
  readonly tableName: string;
  readonly scheduleId?: string;
}

const THROTTLED: ReadonlySet<string> = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "LimitExceededException",
]);

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : "Error";
}

/** The error to throw for a failed request; SchedulerErrors pass through unchanged. */
export function storeErrorOf(error: unknown, operation: Operation): Error {
  if (error instanceof SchedulerError) return error;
  const name = nameOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const what = `DynamoDB ${operation.name} on table "${operation.tableName}"`;
  if (name === "ConditionalCheckFailedException") {
    return new ConflictError(
      `${what} lost its condition: the item changed; re-read it and retry`,
      {
        ...(operation.scheduleId === undefined ? {} : { scheduleId: operation.scheduleId }),
      },
      { cause: error },
    );
  }
  if (name === "ResourceNotFoundException") {
    return new StoreError(
      `${what} failed: the table or index does not exist (${message}); create it with createScheduleTable or deploy template.yaml, and check the table name and region`,
      { cause: error },
    );
  }
  if (THROTTLED.has(name)) {
    return new StoreError(
      `${what} was throttled after the SDK's retries (${name}); retry later, or raise the table's capacity`,
      { cause: error },
    );
  }
  return new StoreError(`${what} failed: ${name}: ${message}`, { cause: error });
}
