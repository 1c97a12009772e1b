/**
 * The envelope is not trusted: a scheduled run runs its schedule's job and current payload, and
 * a run-now run the job and payload of its own record. A message that names another job is
 * refused without running anything.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { createJsonLogger } from "../../src/logger.js";
import { defineJob } from "../../src/registry/define.js";
import { clearRegistry } from "../../src/registry/registry.js";
import { envelope } from "../support/events.js";
import { invokerHarness, runOf, seedRun, seedSchedule } from "./fixtures.js";

const START = "2026-01-05T09:00:02.000Z";

beforeEach(() => clearRegistry());

/** An invoker harness whose log lines are kept. */
function setup() {
  const lines: Record<string, unknown>[] = [];
  const logger = createJsonLogger({ write: (line) => void lines.push(JSON.parse(line)) });
  return { ...invokerHarness(START, { logger }), lines };
}

/** Two jobs that record what they were given. */
function jobs() {
  const ran: { job: string; payload: unknown }[] = [];
  for (const name of ["hello", "wipe-everything"]) {
    defineJob({ name, handler: (payload) => void ran.push({ job: name, payload }) });
  }
  return ran;
}

describe("a scheduled run's message", () => {
  it("runs the schedule's current payload when the schedule changed since the send, and says so", async () => {
    const { store, invoker, lines } = setup();
    const ran = jobs();
    const sent = envelope({ payload: { version: 1 } });
    await seedSchedule(store, sent);
    await store.updateSchedule(sent.scheduleId, { payload: { version: 2 } });

    const result = await invoker.processEnvelope(sent, { attempt: 1 });

    expect(result.outcome).toBe("succeeded");
    expect(ran).toEqual([{ job: "hello", payload: { version: 2 } }]);
    expect(lines.map((line) => line.message)).toContain(
      "the schedule's payload changed since this occurrence was sent; the current one runs",
    );
  });

  it("is refused, FAILED for good and reported naming both jobs, when it names a job its schedule does not run", async () => {
    const { store, invoker, events, lines } = setup();
    const ran = jobs();
    await seedSchedule(store, envelope({ job: "hello" }));
    const forged = envelope({ job: "wipe-everything", payload: { all: true } });

    const result = await invoker.processEnvelope(forged, { attempt: 1 });

    expect(result.outcome).toBe("failed-final");
    expect(ran).toEqual([]);
    const message = 'names job "wipe-everything" but its schedule runs job "hello"';
    expect(await runOf(store, forged)).toMatchObject({
      status: "FAILED",
      error: { name: "EnvelopeError", message: expect.stringContaining(message) },
    });
    expect(events).toMatchObject([
      { type: "run.failed", final: true, error: { message: expect.stringContaining(message) } },
    ]);
    expect(lines.filter((line) => line.level === "error")).toHaveLength(1);
  });

  it("is acknowledged as orphaned, without running anything, when its schedule is gone", async () => {
    const { store, invoker, events, lines } = setup();
    const ran = jobs();
    const sent = envelope();

    const result = await invoker.processEnvelope(sent, { attempt: 1 });

    expect(result.outcome).toBe("orphaned");
    expect(ran).toEqual([]);
    expect(events).toEqual([]);
    expect(await runOf(store, sent)).toMatchObject({
      status: "SKIPPED",
      error: { name: "ScheduleNotFoundError" },
    });
    expect(lines.map((line) => line.message)).toContain(
      "the run's schedule does not exist (deleted since the send?): its job is not run",
    );
  });
});

describe("a run-now message", () => {
  it("runs the payload of its run record, not the message's", async () => {
    const { store, invoker } = setup();
    const ran = jobs();
    const asked = envelope({ manual: true, payload: { asked: "now" } });
    await seedRun(store, asked);

    const result = await invoker.processEnvelope(
      { ...asked, payload: { rewritten: "on the wire" } },
      { attempt: 1 },
    );

    expect(result.outcome).toBe("succeeded");
    expect(ran).toEqual([{ job: "hello", payload: { asked: "now" } }]);
  });

  it("is refused when it names another job than its run record", async () => {
    const { store, invoker, events } = setup();
    const ran = jobs();
    const asked = envelope({ manual: true });
    await seedRun(store, asked);

    const result = await invoker.processEnvelope(
      { ...asked, job: "wipe-everything" },
      { attempt: 1 },
    );

    expect(result.outcome).toBe("failed-final");
    expect(ran).toEqual([]);
    expect(events[0]?.error.message).toContain(
      'names job "wipe-everything" but its run-now record runs job "hello"',
    );
  });

  it("is refused when no run-now record exists for it", async () => {
    const { invoker } = setup();
    const ran = jobs();

    const result = await invoker.processEnvelope(envelope({ manual: true }), { attempt: 1 });

    expect(result.outcome).toBe("failed-final");
    expect(result.error?.message).toContain("no run-now record holds its payload");
    expect(ran).toEqual([]);
  });
});
