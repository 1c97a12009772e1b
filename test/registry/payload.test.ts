import type { StandardSchemaV1 } from "@standard-schema/spec";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidPayloadError } from "../../src/errors.js";
import { defineJob } from "../../src/registry/define.js";
import {
  checkPayloadJson,
  jsonPath,
  MAX_PAYLOAD_BYTES,
  validatePayload,
} from "../../src/registry/payload.js";
import { clearRegistry } from "../../src/registry/registry.js";

beforeEach(() => clearRegistry());

const snapshot = () =>
  defineJob({
    name: "snapshot",
    payload: z.object({
      volumeIds: z.array(z.string()),
      retentionDays: z.number().int().default(7),
    }),
    handler: () => {},
  });

describe("validatePayload", () => {
  it("returns the schema's output, defaults applied", async () => {
    await expect(validatePayload(snapshot(), { volumeIds: ["vol-1"] })).resolves.toEqual({
      volumeIds: ["vol-1"],
      retentionDays: 7,
    });
  });

  it("returns the payload itself for a job without a schema", async () => {
    const job = defineJob({ name: "free", handler: () => {} });
    const payload = { anything: [1, "two"] };
    await expect(validatePayload(job, payload)).resolves.toBe(payload);
  });

  it("refuses a payload that does not fit, with a JSON path for each issue", async () => {
    const error = await validatePayload(snapshot(), {
      volumeIds: ["vol-1", 2],
      retentionDays: "7",
    }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InvalidPayloadError);
    expect(error).toMatchObject({
      job: "snapshot",
      issues: [
        { path: "$.volumeIds[1]", message: "Invalid input: expected string, received number" },
        { path: "$.retentionDays", message: "Invalid input: expected number, received string" },
      ],
    });
    expect((error as Error).message).toBe(
      'payload for job "snapshot" is invalid: $.volumeIds[1]: Invalid input: expected string, received number; $.retentionDays: Invalid input: expected number, received string',
    );
  });

  it("works with any Standard Schema, including asynchronous ones", async () => {
    const positive: StandardSchemaV1<unknown, number> = {
      "~standard": {
        version: 1,
        vendor: "hand-written",
        validate: async (value) =>
          typeof value === "number" && value > 0
            ? { value }
            : { issues: [{ message: "must be a positive number", path: [{ key: "n" }] }] },
      },
    };
    const job = defineJob({ name: "positive", payload: positive, handler: () => {} });
    await expect(validatePayload(job, 3)).resolves.toBe(3);
    await expect(validatePayload(job, -1)).rejects.toThrow(
      'payload for job "positive" is invalid: $.n: must be a positive number',
    );
  });
});

describe("jsonPath", () => {
  it.each([
    [undefined, "$"],
    [[], "$"],
    [["volumeIds", 0], "$.volumeIds[0]"],
    [["a b", "c"], '$["a b"].c'],
    [[{ key: "nested" }, { key: 2 }], "$.nested[2]"],
    [[Symbol("s")], "$[Symbol(s)]"],
  ] as const)("formats %j as %s", (path, expected) => {
    expect(jsonPath(path)).toBe(expected);
  });
});

describe("checkPayloadJson", () => {
  it.each([
    [null],
    [true],
    [0],
    ["text"],
    [[1, "two", null]],
    [{ nested: { list: [{ a: 1 }] } }],
    [Object.assign(Object.create(null), { bare: 1 })],
  ])("accepts the JSON value %j and returns its size", (value: unknown) => {
    expect(checkPayloadJson(value)).toBe(Buffer.byteLength(JSON.stringify(value)));
  });

  it("drops object properties that are undefined, as JSON.stringify does", () => {
    expect(checkPayloadJson({ a: 1, b: undefined })).toBe(7);
  });

  const circular: Record<string, unknown> = { a: {} };
  (circular.a as Record<string, unknown>).back = circular;
  it.each([
    ["undefined", undefined, "$ is undefined, which JSON cannot represent (use null)"],
    ["NaN", { n: Number.NaN }, "$.n is NaN, which JSON cannot represent"],
    ["Infinity", [Number.POSITIVE_INFINITY], "$[0] is Infinity, which JSON cannot represent"],
    ["a bigint", { big: 1n }, "$.big is a bigint; JSON has no bigints"],
    ["a function", { run: () => {} }, "$.run is a function, which JSON cannot represent"],
    ["a symbol", { s: Symbol("s") }, "$.s is a symbol, which JSON cannot represent"],
    [
      "a Date",
      { at: new Date(0) },
      "$.at is a Date, which JSON cannot represent (pass an ISO string)",
    ],
    ["a Map", { "odd key": new Map() }, '$["odd key"] is an instance of Map'],
    ["an undefined array item", [1, undefined], "$[1] is undefined"],
    ["a circular reference", circular, "$.a.back is a circular reference"],
  ])("refuses %s and names where it is", (_case, value, message) => {
    expect(() => checkPayloadJson(value)).toThrow(InvalidPayloadError);
    expect(() => checkPayloadJson(value)).toThrow(`payload is not JSON: ${message}`);
  });

  it("accepts the same object twice when it is not circular", () => {
    const shared = { x: 1 };
    expect(checkPayloadJson({ a: shared, b: shared })).toBeGreaterThan(0);
  });

  it("accepts a payload of exactly 255 KiB", () => {
    const text = "x".repeat(MAX_PAYLOAD_BYTES - 2);
    expect(checkPayloadJson(text)).toBe(MAX_PAYLOAD_BYTES);
  });

  it("refuses a payload one byte over 255 KiB, saying its size and the limit", () => {
    const text = "x".repeat(MAX_PAYLOAD_BYTES - 1);
    expect(() => checkPayloadJson(text)).toThrow(
      "payload is 255 KiB (261121 bytes) as JSON; the limit is 255 KiB (261120 bytes)",
    );
  });

  it("counts bytes of UTF-8, not characters", () => {
    expect(checkPayloadJson({ large: "x".repeat(140_000) })).toBe(140_012);
    const large = "é".repeat(140_000);
    expect(() => checkPayloadJson({ large })).toThrow(
      "payload is 273.4 KiB (280012 bytes) as JSON",
    );
  });
});
