/**
 * DynamoDB's errors in our terms (STYLE 4): a lost condition is a {@link ConflictError}, a
 * cancelled claim a refusal, everything else a {@link StoreError} that says what to do, each
 * with the SDK's error as `cause`.
 */
import { ConflictError, SchedulerError, StoreError } from "../../errors.js";
import type { ClaimRefusal } from "../types.js";
import { CLAIM_REFUSAL } from "../types.js";

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
  if (name === "TransactionCanceledException") {
    return new StoreError(`${what} was cancelled: ${reasonsOf(error).join(", ") || message}`, {
      cause: error,
    });
  }
  return new StoreError(`${what} failed: ${name}: ${message}`, { cause: error });
}

function reasonsOf(error: unknown): string[] {
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  return (reasons ?? []).map((reason) => reason.Code ?? "None");
}

/** Codes that mean another writer got there first: the claim is refused, not failed. */
const LOST: ReadonlySet<string> = new Set(["ConditionalCheckFailed", "TransactionConflict"]);

/**
 * Why a claim's transaction was cancelled, when it was cancelled because another writer came
 * first; undefined when it failed for another reason (throttling, validation, …). Item 0 of
 * the transaction is the schedule, the others its runs.
 */
export function claimRefusalOf(error: unknown): ClaimRefusal | undefined {
  if (nameOf(error) !== "TransactionCanceledException") return undefined;
  const codes = reasonsOf(error);
  if (codes.length === 0 || codes.some((code) => code !== "None" && !LOST.has(code)))
    return undefined;
  if (LOST.has(codes[0] ?? "None")) return CLAIM_REFUSAL.scheduleChanged;
  return codes.some((code) => LOST.has(code)) ? CLAIM_REFUSAL.runExists : undefined;
}
