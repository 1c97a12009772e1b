import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { InvokerOptions } from "../../src/invoke/invoker.js";
import { defineJob } from "../../src/registry/define.js";
import { clearRegistry } from "../../src/registry/registry.js";
import type { JobContext } from "../../src/registry/types.js";
import { envelope } from "../support/events.js";
import { invokerHarness, runOf, seedRun } from "./fixtures.js";

const START = "2026-01-05T09:00:02.000Z";
const DAY_SECONDS = 86_400;

beforeEach(() => clearRegistry());

const setup = (options: Partial<InvokerOptions> = {}) => invokerHarness(START, options);

describe("the invoke core, on success", () => {
  it("runs the job with its payload and context and records SUCCEEDED with duration and result", async () => {
    const { store, clock, invoker, events } = setup();
    const calls: [unknown, JobContext][] = [];
    defineJob({
      name: "hello",
      handler: (payload, ctx) => {
        calls.push([payload, ctx]);
        clock.advance(1_500);
        return { greeted: 1 };
      },
    });
    const sent = envelope({ job: "hello", payload: { greeting: "hi" } });
    await seedRun(store, sent);
    const result = await invoker.processEnvelope(sent, { attempt: 1 });
    expect(result).toMatchObject({ outcome: "succeeded", runId: sent.runId, attempt: 1 });
    const [payload, ctx] = calls[0] ?? [];
    expect(payload).toEqual({ greeting: "hi" });
    expect(ctx).toMatchObject({
      runId: "nightly@2026-01-05T09:00:00.000Z",
      scheduleId: "nightly",
      job: "hello",
      scheduledAt: new Date("2026-01-05T09:00:00.000Z"),
      attempt: 1,
    });
    expect(ctx?.signal.aborted).toBe(false);
    expect(typeof ctx?.logger.info).toBe("function");
    const finishedAt = Date.parse(START) + 1_500;
    expect(await runOf(store, sent)).toMatchObject({
      status: "SUCCEEDED",
      attempt: 1,
      startedAt: Date.parse(START),
      finishedAt,
      durationMs: 1_500,
      result: { greeted: 1 },
      expiresAt: Math.floor(finishedAt / 1000) + 30 * DAY_SECONDS,
    });
    expect(events).toEqual([]);
  });

  it("passes the schema's output, defaults applied, to the handler", async () => {
    const { store, invoker } = setup();
    const seen: unknown[] = [];
    defineJob({
      name: "snapshot",
      payload: z.object({ volumeIds: z.array(z.string()), retentionDays: z.number().default(7) }),
      handler: (payload) => void seen.push(payload),
    });
    const sent = envelope({ job: "snapshot", payload: { volumeIds: ["vol-1"] } });
    await seedRun(store, sent);
    await invoker.processEnvelope(sent, { attempt: 1 });
    expect(seen).toEqual([{ volumeIds: ["vol-1"], retentionDays: 7 }]);
  });

  it("keeps runs for the configured retention", async () => {
    const { store, invoker } = setup({ retentionDays: 2 });
    defineJob({ name: "hello", handler: () => {} });
    const sent = envelope();
    await seedRun(store, sent);
    await invoker.processEnvelope(sent, { attempt: 1 });
    expect((await runOf(store, sent))?.expiresAt).toBe(
      Math.floor(Date.parse(START) / 1000) + 2 * DAY_SECONDS,
    );
  });

  it.each([
    ["nothing", undefined, undefined],
    ["a small value", [1, "two"], [1, "two"]],
    ["a value without a JSON form", () => {}, undefined],
  ])("records %s returned by the handler as its result", async (_case, value, recorded) => {
    const { store, invoker } = setup();
    defineJob({ name: "hello", handler: () => value });
    const sent = envelope();
    await seedRun(store, sent);
    await invoker.processEnvelope(sent, { attempt: 1 });
    expect((await runOf(store, sent))?.result).toEqual(recorded);
  });

  it("records a preview of a result over 4 KiB", async () => {
    const { store, invoker } = setup();
    defineJob({ name: "hello", handler: () => ({ big: "x".repeat(10_000) }) });
    const sent = envelope();
    await seedRun(store, sent);
    await invoker.processEnvelope(sent, { attempt: 1 });
    const result = (await runOf(store, sent))?.result as string;
    expect(Buffer.byteLength(result)).toBeLessThanOrEqual(4 * 1024);
    expect(result).toMatch(/^\{"big":"xxx.*… \(truncated: the result is 10010 bytes\)$/);
  });
});
