/**
 * What the SNS and SQS dispatchers share: AWS batch limits, the per-message checks made before
 * sending (so that one bad entry fails alone), and turning batch responses into a
 * {@link DispatchResult}.
 */
import { DispatchError } from "../errors.js";
import { encodeEnvelope, JOB_ATTRIBUTE } from "./envelope.js";
import { type Dispatch, type DispatchResult, MAX_DELAY_SECONDS } from "./types.js";

/** PublishBatch and SendMessageBatch take at most 10 entries… */
export const MAX_BATCH_ENTRIES = 10;
/** …and at most 256 KiB in all, as does one message (body plus attributes). */
const MAX_MESSAGE_BYTES = 256 * 1024;

/** One dispatch ready to send: its batch entry id, body and size. */
export interface Prepared {
  readonly id: string;
  readonly runId: string;
  readonly job: string;
  readonly body: string;
  readonly delaySeconds: number;
  readonly bytes: number;
}

/**
 * Encodes each dispatch and checks what AWS would refuse (size, delay), so that such entries
 * are reported as failed without costing the rest of the batch.
 */
export function prepare(
  dispatches: readonly Dispatch[],
  transport: string,
): { ready: Prepared[]; failed: DispatchResult["failed"][number][] } {
  const ready: Prepared[] = [];
  const failed: DispatchResult["failed"][number][] = [];
  dispatches.forEach((dispatch, index) => {
    const { envelope } = dispatch;
    const body = encodeEnvelope(envelope);
    // The attribute's name, type and value count towards the message size.
    const bytes =
      Buffer.byteLength(body) +
      JOB_ATTRIBUTE.length +
      "String".length +
      Buffer.byteLength(envelope.job);
    if (bytes > MAX_MESSAGE_BYTES) {
      failed.push({
        runId: envelope.runId,
        error: new DispatchError(
          `run "${envelope.runId}" is ${bytes} bytes as a message for ${transport}; the limit is ${MAX_MESSAGE_BYTES} bytes (256 KiB): make the payload smaller`,
        ),
      });
      return;
    }
    const delay = dispatch.delaySeconds ?? 0;
    if (!(Number.isFinite(delay) && delay >= 0 && delay <= MAX_DELAY_SECONDS)) {
      failed.push({
        runId: envelope.runId,
        error: new DispatchError(
          `run "${envelope.runId}": delaySeconds must be from 0 to ${MAX_DELAY_SECONDS}, got ${delay}`,
        ),
      });
      return;
    }
    // Round up: a message must never be delivered before its time.
    ready.push({
      id: `m${index}`,
      runId: envelope.runId,
      job: envelope.job,
      body,
      delaySeconds: Math.ceil(delay),
      bytes,
    });
  });
  return { ready, failed };
}

/** Splits prepared messages into batches within both the entry and the byte limit. */
export function chunk(items: readonly Prepared[]): Prepared[][] {
  const chunks: Prepared[][] = [];
  let current: Prepared[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length === MAX_BATCH_ENTRIES || bytes + item.bytes > MAX_MESSAGE_BYTES) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** A batch response's entries, in the shape both SNS and SQS return. */
export interface BatchOutcome {
  readonly Successful?: readonly { readonly Id?: string | undefined }[] | undefined;
  readonly Failed?:
    | readonly {
        readonly Id?: string | undefined;
        readonly Code?: string | undefined;
        readonly Message?: string | undefined;
      }[]
    | undefined;
}

/**
 * Sends each batch with `send` and collects the entries that failed: those the service listed
 * as failed, those it did not mention, and every entry of a batch whose call threw (earlier
 * batches were accepted, so the call as a whole must not throw).
 */
export async function sendBatches(
  batches: readonly Prepared[][],
  transport: string,
  send: (batch: readonly Prepared[]) => Promise<BatchOutcome>,
): Promise<DispatchResult["failed"][number][]> {
  const failed: DispatchResult["failed"][number][] = [];
  const outcomes = await Promise.allSettled(batches.map((batch) => send(batch)));
  outcomes.forEach((outcome, index) => {
    const batch = batches[index] ?? [];
    if (outcome.status === "rejected") {
      const cause = outcome.reason as unknown;
      const reason = cause instanceof Error ? cause.message : String(cause);
      for (const item of batch) {
        failed.push({
          runId: item.runId,
          error: new DispatchError(`${transport} did not accept run "${item.runId}": ${reason}`, {
            cause,
          }),
        });
      }
      return;
    }
    const succeeded = new Set((outcome.value.Successful ?? []).map((entry) => entry.Id));
    const refused = new Map((outcome.value.Failed ?? []).map((entry) => [entry.Id, entry]));
    for (const item of batch) {
      if (succeeded.has(item.id)) continue;
      const entry = refused.get(item.id);
      const reason =
        entry === undefined
          ? "the response did not mention it"
          : `${entry.Code ?? "error"}: ${entry.Message ?? "no message"}`;
      failed.push({
        runId: item.runId,
        error: new DispatchError(`${transport} refused run "${item.runId}": ${reason}`),
      });
    }
  });
  return failed;
}
