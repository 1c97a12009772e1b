/**
 * The message envelope: how an occurrence is written on the wire, and the strict decoder the
 * invoke side runs before anything else.
 */
import { EnvelopeError } from "../errors.js";
import type { JsonValue } from "../json.js";
import { JOB_NAME_PATTERN } from "../registry/define.js";
import { OVERLAP, type Overlap } from "../registry/types.js";
import { type RunRecord, runIdOf } from "../store/types.js";
import { type Dispatch, type Envelope, MAX_DELAY_SECONDS } from "./types.js";

const OVERLAP_VALUES = Object.values(OVERLAP);

/** The envelope version this code writes and reads. */
const ENVELOPE_VERSION = 1;

/** The message attribute that carries the job name next to the body (for filters and logs). */
export const JOB_ATTRIBUTE = "job";

const FIELDS = [
  "v",
  "runId",
  "scheduleId",
  "job",
  "payload",
  "scheduledAt",
  "attempt",
  "deadline",
  "overlap",
  "history",
  "manual",
] as const;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** What an SQS record must offer to be decoded (a Lambda `SQSRecord` does). */
export interface EnvelopeCarrier {
  readonly body: string;
  readonly messageAttributes?: Readonly<
    Record<string, { readonly stringValue?: string | undefined }>
  >;
  readonly attributes?: { readonly ApproximateReceiveCount?: string | undefined };
}

/**
 * The attempt a delivery is: the envelope's dispatch number plus the transport's redeliveries
 * (`receiveCount` is 1 on the first delivery).
 *
 * @example
 * ```ts
 * deliveryAttempt(envelope, receiveCountOf(record)); // 1, then 2 on the first redelivery
 * ```
 */
export function deliveryAttempt(envelope: Envelope, receiveCount: number): number {
  return envelope.attempt - 1 + Math.max(1, receiveCount);
}

/** An SQS record's ApproximateReceiveCount; 1 when absent or malformed. */
export function receiveCountOf(record: EnvelopeCarrier): number {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count >= 1 ? count : 1;
}

/**
 * Encodes an envelope as the JSON body of a message, fields in a fixed order.
 *
 * @example
 * ```ts
 * const body = encodeEnvelope({ v: 1, runId, scheduleId, job: "hello", payload: {}, scheduledAt, attempt: 1 });
 * ```
 */
export function encodeEnvelope(envelope: Envelope): string {
  const ordered: Record<(typeof FIELDS)[number], unknown> = {
    v: envelope.v,
    runId: envelope.runId,
    scheduleId: envelope.scheduleId,
    job: envelope.job,
    payload: envelope.payload,
    scheduledAt: envelope.scheduledAt,
    attempt: envelope.attempt,
    deadline: envelope.deadline,
    overlap: envelope.overlap,
    history: envelope.history,
    manual: envelope.manual,
  };
  // JSON.stringify leaves the optional fields out when they are undefined.
  return JSON.stringify(ordered);
}

/**
 * Decodes and validates a message body. Throws {@link EnvelopeError} naming the field that is
 * missing or wrong, e.g. `envelope field "attempt" must be a whole number ≥ 1, got 0`.
 *
 * Checks: the body is a JSON object with exactly the envelope's fields; `v` is 1; the ids and
 * job name are well formed; `scheduledAt` is an ISO-8601 UTC instant; `runId` is
 * `<scheduleId>@<scheduledAt>`; `attempt` is a whole number ≥ 1.
 *
 * @example
 * ```ts
 * const envelope = decodeEnvelope(record.body);
 * ```
 */
export function decodeEnvelope(body: string): Envelope {
  return validateEnvelope(parseBody(body, "message body"));
}

/**
 * Decodes the envelope of an SQS record whether the topic delivered it raw (the body is the
 * envelope) or wrapped in an SNS notification (`{"Type":"Notification","Message":"…"}`).
 * When the record carries a `job` message attribute, it must agree with the envelope.
 *
 * @example
 * ```ts
 * for (const record of event.Records) {
 *   const envelope = envelopeFromSqsRecord(record);
 * }
 * ```
 */
export function envelopeFromSqsRecord(record: EnvelopeCarrier): Envelope {
  if (typeof record?.body !== "string") throw new EnvelopeError("the SQS record has no body");
  const parsed = parseBody(record.body, "message body");
  const notification = snsMessageOf(parsed);
  const envelope =
    notification === undefined
      ? validateEnvelope(parsed)
      : validateEnvelope(parseBody(notification, "SNS notification Message"));
  const attribute = record.messageAttributes?.[JOB_ATTRIBUTE]?.stringValue;
  if (attribute !== undefined && attribute !== envelope.job) {
    throw new EnvelopeError(
      `message attribute "${JOB_ATTRIBUTE}" is "${attribute}" but the envelope's job is "${envelope.job}"`,
    );
  }
  return envelope;
}

/** The `Message` of an SNS notification, or undefined when `value` is not one. */
function snsMessageOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const candidate = value as Record<string, unknown>;
  if (candidate.Type !== "Notification") return undefined;
  if (typeof candidate.Message !== "string") {
    throw new EnvelopeError('the SNS notification has no string "Message"');
  }
  return candidate.Message;
}

function parseBody(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const preview = text.length > 60 ? `${text.slice(0, 60)}…` : text;
    throw new EnvelopeError(`${what} is not JSON: ${JSON.stringify(preview)}`, { cause: error });
  }
}

function validateEnvelope(value: unknown): Envelope {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new EnvelopeError(`the envelope must be a JSON object, got ${describe(value)}`);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      throw new EnvelopeError(
        `envelope field "${key}" is not part of envelope version ${ENVELOPE_VERSION}`,
      );
    }
  }
  const field = (name: (typeof FIELDS)[number], expected: string): never => {
    const got = name in record ? describe(record[name]) : "nothing (the field is missing)";
    throw new EnvelopeError(`envelope field "${name}" must be ${expected}, got ${got}`);
  };
  const { v, runId, scheduleId, job, scheduledAt, attempt } = record;
  if (v !== ENVELOPE_VERSION) field("v", `${ENVELOPE_VERSION} (the only version this code reads)`);
  if (typeof scheduleId !== "string" || scheduleId.length === 0 || scheduleId.includes("@")) {
    field("scheduleId", "a non-empty string without @");
  }
  if (typeof job !== "string" || !JOB_NAME_PATTERN.test(job)) field("job", "a job name");
  if (!("payload" in record)) field("payload", "a JSON value");
  if (typeof scheduledAt !== "string" || !isIsoUtc(scheduledAt)) {
    field("scheduledAt", "an ISO-8601 UTC time like 2026-01-05T09:00:00.000Z");
  }
  if (typeof attempt !== "number" || !Number.isInteger(attempt) || attempt < 1) {
    field("attempt", "a whole number ≥ 1");
  }
  const expectedRunId = runIdOf(scheduleId as string, Date.parse(scheduledAt as string));
  if (runId !== expectedRunId) field("runId", `"${expectedRunId}" (scheduleId@scheduledAt)`);
  const { deadline, overlap, history, manual } = record;
  if (deadline !== undefined && (typeof deadline !== "string" || !isIsoUtc(deadline))) {
    field("deadline", "an ISO-8601 UTC time, or absent");
  }
  if (overlap !== undefined && !(OVERLAP_VALUES as readonly unknown[]).includes(overlap)) {
    field("overlap", `one of ${OVERLAP_VALUES.join(", ")}, or absent`);
  }
  if (history !== undefined && history !== "failures") field("history", '"failures", or absent');
  if (manual !== undefined && manual !== true) field("manual", "true, or absent");
  return {
    v: ENVELOPE_VERSION,
    runId: expectedRunId,
    scheduleId: scheduleId as string,
    job: job as string,
    payload: record.payload as JsonValue,
    scheduledAt: scheduledAt as string,
    attempt: attempt as number,
    ...(deadline === undefined ? {} : { deadline: deadline as string }),
    ...(overlap === undefined ? {} : { overlap: overlap as Overlap }),
    ...(history === "failures" ? { history: "failures" as const } : {}),
    ...(manual === true ? { manual: true as const } : {}),
  };
}

/** A real instant in the strict form (not `2026-02-30…`, which Date.parse would roll over). */
function isIsoUtc(text: string): boolean {
  if (!ISO_UTC.test(text)) return false;
  const at = Date.parse(text);
  return !Number.isNaN(at) && new Date(at).toISOString().slice(0, 19) === text.slice(0, 19);
}

function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** What an envelope carries of its schedule besides the run (see {@link Envelope}). */
export type ScheduleFacts = Pick<Envelope, "deadline" | "overlap" | "history">;

/**
 * The envelope of a run, with the facts of its schedule the invoke side needs. Its attempt is
 * the one after the run's last: 1 for a new run, the next for a run sent again by `retry`.
 */
export function envelopeOf(run: RunRecord, facts: ScheduleFacts = {}): Envelope {
  return {
    v: 1,
    runId: run.runId,
    scheduleId: run.scheduleId,
    job: run.job,
    payload: run.payload ?? null,
    scheduledAt: new Date(run.scheduledAt).toISOString(),
    attempt: run.attempt + 1,
    ...(facts.deadline === undefined ? {} : { deadline: facts.deadline }),
    ...(facts.overlap === undefined ? {} : { overlap: facts.overlap }),
    ...(facts.history === undefined ? {} : { history: facts.history }),
    ...(run.manual === true ? { manual: true as const } : {}),
  };
}

/**
 * A run as the transport takes it: a precise run goes straight to the queue, with the delay
 * that makes it start at its due time.
 */
export function dispatchOf(run: RunRecord, now: number, facts: ScheduleFacts = {}): Dispatch {
  const envelope = envelopeOf(run, facts);
  if (!run.precise) return { envelope };
  const delay = Math.ceil((run.dueAt - now) / 1_000);
  return {
    envelope,
    precise: true,
    delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, delay)),
  };
}
