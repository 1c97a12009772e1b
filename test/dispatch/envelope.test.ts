import { describe, expect, it } from "vitest";
import {
  decodeEnvelope,
  deliveryAttempt,
  encodeEnvelope,
  envelopeFromSqsRecord,
  receiveCountOf,
} from "../../src/dispatch/envelope.js";
import { EnvelopeError } from "../../src/errors.js";
import { envelope, snsWrapped, sqsRecord } from "../support/events.js";

const valid = envelope({ payload: { volumeIds: ["vol-1"], nested: { ok: true } } });
const body = (fields: Record<string, unknown>) => JSON.stringify({ ...valid, ...fields });
const without = (field: string) => {
  const copy: Record<string, unknown> = { ...valid };
  delete copy[field];
  return JSON.stringify(copy);
};

describe("the envelope codec", () => {
  it("decodes what it encodes", () => {
    expect(decodeEnvelope(encodeEnvelope(valid))).toEqual(valid);
  });

  it("carries the schedule's facts when it has them, and reads them back", () => {
    const facts = {
      ...valid,
      deadline: "2026-01-05T10:00:00.000Z",
      overlap: "skip" as const,
      history: "failures" as const,
      manual: true as const,
    };
    expect(decodeEnvelope(encodeEnvelope(facts))).toEqual(facts);
  });

  it("writes the fields in a fixed order", () => {
    expect(Object.keys(JSON.parse(encodeEnvelope(valid)))).toEqual([
      "v",
      "runId",
      "scheduleId",
      "job",
      "payload",
      "scheduledAt",
      "attempt",
    ]);
  });

  it.each([[null], [false], [0], ["text"], [[]], [{ deep: [1, { x: null }] }]])(
    "carries the payload %j",
    (payload: unknown) => {
      expect(decodeEnvelope(body({ payload })).payload).toEqual(payload);
    },
  );

  it("accepts a scheduled time without milliseconds when the run id says the same instant", () => {
    const decoded = decodeEnvelope(
      body({ scheduledAt: "2026-01-05T09:00:00Z", runId: "nightly@2026-01-05T09:00:00.000Z" }),
    );
    expect(decoded.scheduledAt).toBe("2026-01-05T09:00:00Z");
  });

  it.each([
    ["a body that is not JSON", "{not json", 'message body is not JSON: "{not json"'],
    ["an array", "[1]", "the envelope must be a JSON object, got [1]"],
    ["null", "null", "the envelope must be a JSON object, got null"],
    [
      "an unknown field",
      body({ extra: 1 }),
      'envelope field "extra" is not part of envelope version 1',
    ],
    [
      "version 2",
      body({ v: 2 }),
      'envelope field "v" must be 1 (the only version this code reads), got 2',
    ],
    [
      "a missing version",
      without("v"),
      'envelope field "v" must be 1 (the only version this code reads), got nothing (the field is missing)',
    ],
    [
      "an empty schedule id",
      body({ scheduleId: "" }),
      'envelope field "scheduleId" must be a non-empty string without @, got ""',
    ],
    [
      "a schedule id with @",
      body({ scheduleId: "a@b" }),
      'envelope field "scheduleId" must be a non-empty string without @',
    ],
    ["a numeric job", body({ job: 7 }), 'envelope field "job" must be a job name, got 7'],
    [
      "a job name with a space",
      body({ job: "two words" }),
      'envelope field "job" must be a job name, got "two words"',
    ],
    [
      "a missing payload",
      without("payload"),
      'envelope field "payload" must be a JSON value, got nothing (the field is missing)',
    ],
    [
      "a local scheduled time",
      body({ scheduledAt: "2026-01-05T09:00:00" }),
      'envelope field "scheduledAt" must be an ISO-8601 UTC time like 2026-01-05T09:00:00.000Z, got "2026-01-05T09:00:00"',
    ],
    [
      "an impossible date",
      body({ scheduledAt: "2026-02-30T09:00:00.000Z" }),
      'envelope field "scheduledAt" must be an ISO-8601 UTC time',
    ],
    [
      "an epoch number",
      body({ scheduledAt: 1767603600000 }),
      'envelope field "scheduledAt" must be an ISO-8601 UTC time',
    ],
    [
      "a local deadline",
      body({ deadline: "2026-01-05T10:00:00" }),
      'envelope field "deadline" must be an ISO-8601 UTC time, or absent',
    ],
    [
      "an unknown overlap",
      body({ overlap: "queue" }),
      'envelope field "overlap" must be one of allow, skip, buffer-one, or absent',
    ],
    [
      "an unknown history",
      body({ history: "none" }),
      'envelope field "history" must be "failures", or absent',
    ],
    ["manual false", body({ manual: false }), 'envelope field "manual" must be true, or absent'],
    [
      "attempt 0",
      body({ attempt: 0 }),
      'envelope field "attempt" must be a whole number ≥ 1, got 0',
    ],
    [
      "a fractional attempt",
      body({ attempt: 1.5 }),
      'envelope field "attempt" must be a whole number ≥ 1, got 1.5',
    ],
    [
      "a string attempt",
      body({ attempt: "1" }),
      'envelope field "attempt" must be a whole number ≥ 1, got "1"',
    ],
    [
      "a run id of another time",
      body({ runId: "nightly@2026-01-05T10:00:00.000Z" }),
      'envelope field "runId" must be "nightly@2026-01-05T09:00:00.000Z" (scheduleId@scheduledAt), got "nightly@2026-01-05T10:00:00.000Z"',
    ],
    [
      "a missing run id",
      without("runId"),
      'envelope field "runId" must be "nightly@2026-01-05T09:00:00.000Z"',
    ],
  ])("refuses %s, saying which field", (_case, text, message) => {
    expect(() => decodeEnvelope(text)).toThrow(EnvelopeError);
    expect(() => decodeEnvelope(text)).toThrow(message);
  });
});

describe("envelopes from SQS records", () => {
  it("reads a raw-delivered body", () => {
    expect(envelopeFromSqsRecord(sqsRecord({ envelope: valid }))).toEqual(valid);
  });

  it("reads a body wrapped in an SNS notification", () => {
    const record = sqsRecord({
      body: snsWrapped(encodeEnvelope(valid), { job: valid.job }),
      jobAttribute: null,
    });
    expect(envelopeFromSqsRecord(record)).toEqual(valid);
  });

  it("validates the envelope inside a notification as strictly", () => {
    const record = sqsRecord({ body: snsWrapped(body({ attempt: 0 })), jobAttribute: null });
    expect(() => envelopeFromSqsRecord(record)).toThrow(
      'envelope field "attempt" must be a whole number ≥ 1',
    );
  });

  it.each([
    [
      "a notification without a message",
      JSON.stringify({ Type: "Notification" }),
      'the SNS notification has no string "Message"',
    ],
    [
      "a notification whose message is not JSON",
      snsWrapped("hello"),
      'SNS notification Message is not JSON: "hello"',
    ],
  ])("refuses %s", (_case, text, message) => {
    expect(() => envelopeFromSqsRecord(sqsRecord({ body: text }))).toThrow(message);
  });

  it("refuses a job attribute that disagrees with the envelope", () => {
    const record = sqsRecord({ envelope: valid, jobAttribute: "other" });
    expect(() => envelopeFromSqsRecord(record)).toThrow(
      'message attribute "job" is "other" but the envelope\'s job is "hello"',
    );
  });

  it("reads a record without a job attribute", () => {
    expect(envelopeFromSqsRecord(sqsRecord({ envelope: valid, jobAttribute: null }))).toEqual(
      valid,
    );
  });
});

describe("delivery attempts", () => {
  it.each([
    [1, 1, 1],
    [1, 3, 3],
    [2, 1, 2],
    [2, 2, 3],
  ])(
    "an envelope of attempt %i received %i times is attempt %i",
    (dispatched, received, expected) => {
      expect(deliveryAttempt(envelope({ attempt: dispatched }), received)).toBe(expected);
    },
  );

  it.each([
    ["3", 3],
    [undefined, 1],
    ["zero", 1],
    ["0", 1],
  ])("reads the receive count %j as %i", (count, expected) => {
    const record = sqsRecord();
    expect(
      receiveCountOf({
        ...record,
        attributes: { ...record.attributes, ApproximateReceiveCount: count as string },
      }),
    ).toBe(expected);
  });
});
