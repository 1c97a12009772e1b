import { beforeEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import { z } from "zod";
import { JobDefinitionError, UnknownJobError } from "../../src/errors.js";
import type { JsonValue } from "../../src/json.js";
import { defineJob } from "../../src/registry/define.js";
import { clearRegistry, getJob, listJobs, requireJob } from "../../src/registry/registry.js";
import type { JobDefinition } from "../../src/registry/types.js";
import { defineReloadable } from "./fixtures/reloadable.js";

beforeEach(() => clearRegistry());

describe("defineJob", () => {
  it("registers the job on definition and applies the defaults", () => {
    const job = defineJob({ name: "hello", handler: () => "hi" });
    expect(getJob("hello")).toBe(job);
    expect(job).toMatchObject({
      name: "hello",
      retry: { attempts: 3, backoffSeconds: 30 },
      overlap: "allow",
      timeoutSeconds: undefined,
      payload: undefined,
    });
  });

  it("keeps the options it is given", () => {
    const schema = z.object({ n: z.number() });
    const job = defineJob({
      name: "counted",
      payload: schema,
      handler: (payload) => payload.n + 1,
      retry: { attempts: 5 },
      timeoutSeconds: 0.5,
      overlap: "skip",
      description: "counts",
    });
    expect(job).toMatchObject({
      payload: schema,
      retry: { attempts: 5, backoffSeconds: 30 },
      timeoutSeconds: 0.5,
      overlap: "skip",
      description: "counts",
    });
  });

  it("types the handler's payload from the schema's output, else as JSON", () => {
    defineJob({
      name: "typed",
      payload: z.object({ ids: z.array(z.string()), days: z.number().default(7) }),
      handler: (payload) => {
        expectTypeOf(payload).toEqualTypeOf<{ ids: string[]; days: number }>();
      },
    });
    defineJob({
      name: "untyped",
      handler: (payload) => {
        expectTypeOf(payload).toEqualTypeOf<JsonValue>();
      },
    });
  });

  it("records the module that defined the job", () => {
    const job = defineJob({ name: "located", handler: () => {} });
    expect(job.definedIn).toMatch(/test\/registry\/define\.test\.ts$/);
  });

  it.each([
    ["", 'job name "" is invalid'],
    ["-leading-dash", 'job name "-leading-dash" is invalid'],
    ["has space", 'job name "has space" is invalid'],
    ["x".repeat(129), "is invalid: use 1-128 characters"],
  ])("refuses the job name %j", (name, message) => {
    expect(() => defineJob({ name, handler: () => {} })).toThrow(message);
  });

  it("accepts a 128-character name of letters, digits, dots, underscores and dashes", () => {
    const name = `A0._-${"x".repeat(123)}`;
    expect(defineJob({ name, handler: () => {} }).name).toBe(name);
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ["a handler that is not a function", { handler: "run" }, "handler must be a function"],
    [
      "a payload that is not a Standard Schema",
      { payload: { type: "object" } },
      "payload must be a Standard Schema",
    ],
    [
      "a timeout of 0",
      { timeoutSeconds: 0 },
      "timeoutSeconds must be a number above 0 and at most 900",
    ],
    [
      "a timeout above Lambda's 900 s",
      { timeoutSeconds: 901 },
      "timeoutSeconds must be a number above 0 and at most 900 (the Lambda limit), got 901",
    ],
    [
      "0 attempts",
      { retry: { attempts: 0 } },
      "retry.attempts must be a whole number from 1 to 1000",
    ],
    [
      "fractional attempts",
      { retry: { attempts: 1.5 } },
      "retry.attempts must be a whole number from 1 to 1000 (first delivery included), got 1.5",
    ],
    [
      "a negative backoff",
      { retry: { backoffSeconds: -1 } },
      "retry.backoffSeconds must be a number from 0 to 43200",
    ],
    [
      "a backoff above 12 h",
      { retry: { backoffSeconds: 43_201 } },
      "retry.backoffSeconds must be a number from 0 to 43200 (12 h, the SQS limit), got 43201",
    ],
    ["an unknown retry field", { retry: { tries: 2 } }, 'unknown retry field "tries"'],
    [
      "an unknown overlap policy",
      { overlap: "queue" },
      'overlap must be "allow" or "skip", got "queue"',
    ],
    ["an unknown field", { retries: 3 }, 'unknown field "retries"'],
    ["a description that is not a string", { description: 42 }, "description must be a string"],
  ];
  it.each(invalid)(
    "refuses %s with a JobDefinitionError naming the job",
    (_case, fields, message) => {
      const definition = {
        name: "broken",
        handler: () => {},
        ...fields,
      } as unknown as JobDefinition;
      const attempt = () => defineJob(definition);
      expect(attempt).toThrow(JobDefinitionError);
      expect(attempt).toThrow(`job "broken": ${message}`);
      expect(getJob("broken")).toBeUndefined();
    },
  );

  it("refuses a second job with the same name and names both modules", async () => {
    await import("./fixtures/report-a.js");
    const error = await import("./fixtures/report-b.js").then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(JobDefinitionError);
    expect((error as Error).message).toMatch(
      /job "report" is defined twice: in \S*fixtures\/report-a\.ts and in \S*fixtures\/report-b\.ts; job names must be unique/,
    );
    expect(getJob("report")?.definedIn).toMatch(/report-a\.ts$/);
  });

  it("refuses a second definition of the same name in the same module", () => {
    defineJob({ name: "twice", handler: () => 1 });
    expect(() => defineJob({ name: "twice", handler: () => 2 })).toThrow(
      /defined twice: in \S*define\.test\.ts and in \S*define\.test\.ts/,
    );
  });

  it("lets the same definition site run again (a reloaded module) and keeps the newer job", async () => {
    defineReloadable("first");
    const second = defineReloadable("second");
    expect(getJob("reloadable")).toBe(second);
    expect(await getJob("reloadable")?.handler(null, {} as never)).toBe("second");
  });
});

describe("the registry", () => {
  it("lists jobs sorted by name", () => {
    defineJob({ name: "zeta", handler: () => {} });
    defineJob({ name: "alpha", handler: () => {} });
    expect(listJobs().map((job) => job.name)).toEqual(["alpha", "zeta"]);
  });

  it("answers requireJob for an unknown job with the jobs it knows", () => {
    defineJob({ name: "hello", handler: () => {} });
    defineJob({ name: "report", handler: () => {} });
    expect(() => requireJob("helo")).toThrow(UnknownJobError);
    expect(() => requireJob("helo")).toThrow('unknown job "helo"; registered jobs: hello, report');
  });

  it("says so when no job is registered at all", () => {
    expect(() => requireJob("hello")).toThrow('unknown job "hello"; no job is registered');
  });

  it("is one per process even when its module is loaded twice", async () => {
    const job = defineJob({ name: "shared", handler: () => {} });
    vi.resetModules();
    const copy = await import("../../src/registry/registry.js");
    expect(copy.getJob("shared")).toBe(job);
    copy.clearRegistry();
    expect(getJob("shared")).toBeUndefined();
  });
});
