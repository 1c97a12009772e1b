import middy from "@middy/core";
import { describe, expect, it } from "vitest";
import { EnvelopeError, JobFailedError, UnknownJobError } from "../../src/errors.js";
import { errorCapture } from "../../src/middleware/error-capture.js";
import { envelope, lambdaContext, sqsEvent, sqsRecord } from "../support/events.js";
import { memoryLogger, request } from "./requests.js";

const run = envelope({ job: "snapshot", scheduleId: "nightly" });
const context = { job: "snapshot", scheduleId: "nightly", runId: run.runId, attempt: 2 };

describe("errorCapture", () => {
  it("names its hooks", () => {
    const middleware = errorCapture({ logger: false });
    expect(middleware.after?.name).toBe("errorCaptureAfter");
    expect(middleware.onError?.name).toBe("errorCaptureOnError");
  });

  it("wraps a job's error in a JobFailedError with the run of a one-record event, keeping the cause", () => {
    const cause = new TypeError("volume not found");
    const req = request({
      event: sqsEvent(sqsRecord({ envelope: run, receiveCount: 2 })),
      error: cause,
    });
    errorCapture({ logger: false }).onError?.(req);
    expect(req.error).toBeInstanceOf(JobFailedError);
    expect(req.error).toMatchObject({ ...context, cause });
    expect(req.error?.message).toBe(
      `job "snapshot" failed on attempt 2 of run "${run.runId}": volume not found`,
    );
  });

  it("wraps an error thrown for an event that is an envelope", () => {
    const req = request({ event: run, error: new Error("boom") });
    errorCapture({ logger: false }).onError?.(req);
    expect(req.error).toMatchObject({ ...context, attempt: 1 });
  });

  it.each([
    ["a string", "boom", 'a non-Error value was thrown: "boom"'],
    ["an object", { code: 42 }, 'a non-Error value was thrown: {"code":42}'],
    ["undefined", undefined, "a non-Error value was thrown: undefined"],
  ])(
    "turns %s that was thrown into an Error that keeps it as its cause",
    (_case, thrown, message) => {
      const req = request({ event: {}, error: thrown as unknown as Error });
      errorCapture({ logger: false }).onError?.(req);
      expect(req.error).toBeInstanceOf(Error);
      expect(req.error?.message).toBe(message);
      expect(req.error?.cause).toBe(thrown);
    },
  );

  it("leaves an error the library threw on purpose as it is", () => {
    const unknown = new UnknownJobError("ghost");
    const req = request({ event: sqsEvent(sqsRecord({ envelope: run })), error: unknown });
    errorCapture({ logger: false }).onError?.(req);
    expect(req.error).toBe(unknown);
  });

  it("cannot attribute an error of a whole batch to one run, so only normalises it", () => {
    const req = request({
      event: sqsEvent(sqsRecord(), sqsRecord()),
      error: new Error("table missing"),
    });
    errorCapture({ logger: false }).onError?.(req);
    expect(req.error).not.toBeInstanceOf(JobFailedError);
  });

  it("normalises each rejected record of a batch response with its own record's run", () => {
    const other = envelope({ scheduleId: "hourly", job: "report" });
    const req = request({
      event: sqsEvent(
        sqsRecord({ envelope: run, receiveCount: 2 }),
        sqsRecord({ envelope: other }),
        sqsRecord({ body: "junk" }),
      ),
      response: [
        { status: "rejected", reason: new Error("first failed") },
        { status: "fulfilled", value: "ok" },
        { status: "rejected", reason: new EnvelopeError("message body is not JSON") },
      ],
    });
    errorCapture({ logger: false }).after?.(req);
    const [first, second, third] = req.response as PromiseSettledResult<unknown>[];
    expect(first).toMatchObject({ status: "rejected", reason: { ...context } });
    expect((first as PromiseRejectedResult).reason).toBeInstanceOf(JobFailedError);
    expect(second).toEqual({ status: "fulfilled", value: "ok" });
    expect((third as PromiseRejectedResult).reason).toBeInstanceOf(EnvelopeError);
  });

  it("leaves a response that is not a batch result alone", () => {
    const req = request({ response: { batchItemFailures: [] } });
    errorCapture({ logger: false }).after?.(req);
    expect(req.response).toEqual({ batchItemFailures: [] });
  });

  it("logs each captured error once with its run", () => {
    const { lines, logger } = memoryLogger();
    const req = request({ event: run, error: new Error("boom") });
    errorCapture({ logger }).onError?.(req);
    expect(lines).toEqual([
      {
        level: "error",
        message: expect.stringContaining("boom"),
        fields: { ...context, attempt: 1, error: req.error },
      },
    ]);
  });

  it("logs a batch's rejected records only when their reason was not explained where it was thrown", () => {
    const { lines, logger } = memoryLogger();
    const req = request({
      event: sqsEvent(sqsRecord({ envelope: run }), sqsRecord({ envelope: run })),
      response: [
        { status: "rejected", reason: new UnknownJobError("ghost") },
        { status: "rejected", reason: new Error("socket closed") },
      ],
    });
    errorCapture({ logger }).after?.(req);
    expect(lines.map((line) => line.message)).toEqual([
      `job "snapshot" failed on attempt 1 of run "${run.runId}": socket closed`,
    ]);
  });

  it("works inside a Middy handler, before the error leaves it", async () => {
    const handler = middy(async () => {
      throw "plain string";
    }).use(errorCapture({ logger: false }));
    await expect(handler(run, lambdaContext())).rejects.toMatchObject({
      name: "JobFailedError",
      runId: run.runId,
      cause: expect.objectContaining({ cause: "plain string" }),
    });
  });

  it.each([
    [
      { logger: "console" },
      'errorCapture: option "logger" must be a logger with an error method, or false',
    ],
    [{ log: false }, 'errorCapture: unknown option "log"; the options are logger'],
  ])("refuses the options %j", (options, message) => {
    expect(() => errorCapture(options as never)).toThrow(message);
  });
});
