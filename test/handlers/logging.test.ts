/**
 * The handlers' log through Powertools Logger: the Lambda context and the run on every line of
 * a run, the jobs' `ctx.logger` included, and the level from the environment.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { manualClock } from "../../src/clock.js";
import { createInvokeHandler } from "../../src/handlers/invoke.js";
import { createTickHandler } from "../../src/handlers/tick.js";
import { createPowertoolsLogger, powertoolsAdapter } from "../../src/powertools-logger.js";
import { defineJob } from "../../src/registry/define.js";
import { clearRegistry } from "../../src/registry/registry.js";
import { createMemoryStore } from "../../src/store/memory.js";
import { seedRun } from "../invoke/fixtures.js";
import { envelope, lambdaContext, sqsEvent, sqsRecord } from "../support/events.js";
import { recordingDispatcher } from "../tick/fakes.js";

let written: string[] = [];
beforeEach(() => {
  written = [];
  clearRegistry();
  // Powertools writes INFO and DEBUG lines to standard output, WARN and ERROR to standard error.
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** The JSON log lines written, EMF documents left out. */
function logLines(): Record<string, unknown>[] {
  return written
    .flatMap((chunk) => chunk.split("\n"))
    .filter((line) => line.startsWith("{") && !line.includes('"CloudWatchMetrics"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function invokeTwoRuns() {
  const clock = manualClock("2026-01-05T09:00:01Z");
  const store = createMemoryStore({ clock });
  defineJob({
    name: "hello",
    handler: (_payload, ctx) => ctx.logger.info("hello from the job", { step: 1 }),
  });
  defineJob({
    name: "broken",
    retry: { attempts: 1 },
    handler: (_payload, ctx) => {
      ctx.logger.warn("about to fail");
      throw new Error("disk full");
    },
  });
  const good = envelope({ scheduleId: "good", job: "hello" });
  const bad = envelope({ scheduleId: "bad", job: "broken" });
  for (const e of [good, bad]) await seedRun(store, e);
  const handler = createInvokeHandler({ store, clock, logInputOutput: false });
  const context = lambdaContext();
  await handler(sqsEvent(sqsRecord({ envelope: good }), sqsRecord({ envelope: bad })), context);
  return { good, bad, context };
}

describe("the invoke handler's log", () => {
  it("puts runId, scheduleId and job on every line of a run, the job's own lines included", async () => {
    const { good, bad, context } = await invokeTwoRuns();
    const lines = logLines();
    for (const run of [good, bad]) {
      const ofRun = lines.filter((line) => line.runId === run.runId);
      expect(ofRun.length).toBeGreaterThanOrEqual(2);
      for (const line of ofRun) {
        expect(line).toMatchObject({
          runId: run.runId,
          scheduleId: run.scheduleId,
          job: run.job,
          service: "lambda-scheduler",
          handler: "invoke",
          function_request_id: context.awsRequestId,
        });
      }
    }
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: "INFO",
        message: "hello from the job",
        step: 1,
        job: "hello",
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ level: "WARN", message: "about to fail", scheduleId: "bad" }),
    );
  });

  it.each([
    ["POWERTOOLS_LOG_LEVEL", "WARN"],
    ["AWS_LAMBDA_LOG_LEVEL", "WARN"],
  ])("takes the level from %s", async (name, level) => {
    vi.stubEnv(name, level);
    await invokeTwoRuns();
    const levels = new Set(logLines().map((line) => line.level));
    expect(levels.has("INFO")).toBe(false);
    expect(levels.has("WARN")).toBe(true);
  });
});

describe("the tick handler's log", () => {
  it("writes its summary with the Lambda context", async () => {
    const handler = createTickHandler({
      store: createMemoryStore(),
      dispatcher: recordingDispatcher(),
      clock: manualClock("2026-01-05T00:00:00Z"),
    });
    const context = lambdaContext();
    await handler({}, context);
    expect(logLines()).toContainEqual(
      expect.objectContaining({
        level: "INFO",
        message: "tick done",
        handler: "tick",
        role: "coordinator",
        function_request_id: context.awsRequestId,
      }),
    );
  });
});

describe("powertoolsAdapter", () => {
  it("writes an Error field as its name, message and stack", () => {
    powertoolsAdapter(createPowertoolsLogger("test"))
      .child({ runId: "r1" })
      .error("failed", { error: new TypeError("bad input") });
    const [line] = logLines();
    expect(line).toMatchObject({
      level: "ERROR",
      message: "failed",
      runId: "r1",
      error: { name: "TypeError", message: "bad input", stack: expect.any(String) },
    });
  });
});
