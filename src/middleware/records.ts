/**
 * Reading run context out of Middy requests: SQS batches of envelopes, or one envelope.
 */
import {
  deliveryAttempt,
  type EnvelopeCarrier,
  envelopeFromSqsRecord,
  receiveCountOf,
} from "../dispatch/envelope.js";
import { type RunContext, runContextOf } from "../run-errors.js";

/** The records of an SQS event, or undefined when `event` is not one. */
export function sqsRecordsOf(event: unknown): readonly EnvelopeCarrier[] | undefined {
  if (typeof event !== "object" || event === null) return undefined;
  const records = (event as { Records?: unknown }).Records;
  if (!Array.isArray(records)) return undefined;
  return records.every((record) => typeof (record as { body?: unknown })?.body === "string")
    ? (records as EnvelopeCarrier[])
    : undefined;
}

/** The run context of an SQS record, or undefined when its body is not an envelope. */
export function recordRunContext(record: EnvelopeCarrier): RunContext | undefined {
  try {
    const envelope = envelopeFromSqsRecord(record);
    return runContextOf(envelope, deliveryAttempt(envelope, receiveCountOf(record)));
  } catch {
    return undefined;
  }
}

/**
 * The one run an event is about: an SQS event with a single record, or an event that is itself
 * an envelope (`{ v: 1, runId, … }`). Undefined for batches, which are about several runs.
 */
export function eventRunContext(event: unknown): RunContext | undefined {
  const records = sqsRecordsOf(event);
  if (records !== undefined) {
    const [only] = records;
    return records.length === 1 && only !== undefined ? recordRunContext(only) : undefined;
  }
  if (typeof event === "object" && event !== null && (event as { v?: unknown }).v === 1) {
    return recordRunContext({ body: JSON.stringify(event) });
  }
  return undefined;
}

/** A `Promise.allSettled` result, which is what batch handlers return. */
export type Settled = PromiseSettledResult<unknown>;

/** Whether `value` is an array of settled results (a batch handler's response). */
export function isSettledArray(value: unknown): value is Settled[] {
  return (
    Array.isArray(value) &&
    value.every(
      (item) =>
        typeof item === "object" &&
        item !== null &&
        ((item as Settled).status === "fulfilled" || (item as Settled).status === "rejected"),
    )
  );
}
