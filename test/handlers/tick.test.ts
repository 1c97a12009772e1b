import { describe, expect, it } from "vitest";
import { manualClock } from "../../src/clock.js";
import { ConfigurationError } from "../../src/errors.js";
import { createTickHandler, tickHandlerFromEnvironment } from "../../src/handlers/tick.js";
import { silentLogger } from "../../src/logger.js";
import { createMemoryStore } from "../../src/store/memory.js";
import { scheduleRecord } from "../planning/factories.js";
import { lambdaContext } from "../support/events.js";
import { recordingDispatcher } from "../tick/fakes.js";

async function storeWithDue(count: number) {
  const store = createMemoryStore();
  for (let i = 0; i < count; i++) {
    const { version: _v, updatedAt: _u, ...record } = scheduleRecord({ id: `s${i}` });
    await store.createSchedule(record);
  }
  return store;
}

describe("the tick handler", () => {
  it("runs one tick and returns its summary", async () => {
    const store = await storeWithDue(3);
    const dispatcher = recordingDispatcher();
    const handler = createTickHandler({
      store,
      dispatcher,
      clock: manualClock("2026-01-05T00:00:00Z"),
      logger: silentLogger,
    });
    expect(await handler({}, lambdaContext(60_000))).toMatchObject({
      claimed: 3,
      dispatched: 3,
      backlog: 0,
    });
  });

  it("keeps a margin before the Lambda's deadline, leaving the work for the next tick", async () => {
    const store = await storeWithDue(3);
    const handler = createTickHandler({
      store,
      dispatcher: recordingDispatcher(),
      clock: manualClock("2026-01-05T00:00:00Z"),
      logger: silentLogger,
      deadlineMarginMs: 10_000,
    });
    expect(await handler({}, lambdaContext(5_000))).toMatchObject({ claimed: 0 });
  });

  it("names a missing environment variable", () => {
    expect(() => tickHandlerFromEnvironment({})).toThrow(ConfigurationError);
    expect(() => tickHandlerFromEnvironment({})).toThrow(/SCHEDULE_TABLE is not set/);
  });
});
