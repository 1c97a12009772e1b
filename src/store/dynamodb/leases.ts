/**
 * Leases on the tick's work: one item per lease (`LEASE#<name>`), taken with a conditional
 * PutItem and given back with a conditional DeleteItem. Lease items carry no index attribute,
 * so no index ever sees them.
 */
import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { ConflictError } from "../../errors.js";
import type { Lease } from "../types.js";
import { leaseKey } from "./codec.js";
import { type DynamoContext, request } from "./context.js";

export async function acquireLease(context: DynamoContext, lease: Lease): Promise<boolean> {
  try {
    await request(context, { name: "acquireLease" }, (doc) =>
      doc.send(
        new PutCommand({
          TableName: context.tableName,
          Item: { ...leaseKey(lease.name), owner: lease.owner, until: lease.until },
          ConditionExpression: "attribute_not_exists(pk) OR #until <= :now OR #owner = :owner",
          ExpressionAttributeNames: { "#until": "until", "#owner": "owner" },
          ExpressionAttributeValues: { ":now": lease.now, ":owner": lease.owner },
          ...context.capacity,
        }),
      ),
    );
    return true;
  } catch (error) {
    if (error instanceof ConflictError) return false;
    throw error;
  }
}

export async function releaseLease(
  context: DynamoContext,
  name: string,
  owner: string,
): Promise<void> {
  try {
    await request(context, { name: "releaseLease" }, (doc) =>
      doc.send(
        new DeleteCommand({
          TableName: context.tableName,
          Key: leaseKey(name),
          ConditionExpression: "#owner = :owner",
          ExpressionAttributeNames: { "#owner": "owner" },
          ExpressionAttributeValues: { ":owner": owner },
          ...context.capacity,
        }),
      ),
    );
  } catch (error) {
    // Taken over after it expired, or never held: it is not ours to give back.
    if (!(error instanceof ConflictError)) throw error;
  }
}
