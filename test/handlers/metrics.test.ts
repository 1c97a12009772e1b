/**
 * The handlers' CloudWatch metrics, read back from the EMF documents Powertools writes to
 * standard output.
 */
import { Metrics } from "@aws-lambda-powertools/metrics";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { manualClock } from "../../src/clock.js";
import { createInvokeHandler } from "../../src/handlers/invoke.js";
import { createTickHandler } from "../../src/handlers/tick.js";
import { silentLogger } from "../../src/logger.js";
import { DEFAULT_METRICS_NAMESPACE, metricsFromEnvironment } from "../../src/metrics.js";
import { defineJob } from "../../src/registry/define.js";
import { clearRegistry } from "../../src/registry/registry.js";
import { createMemoryStore } from "../../src/store/memory.js";
import { seedRun } from "../invoke/fixtures.js";
import { scheduleRecord } from "../planning/factories.js";
import { envelope, lambdaContext, sqsEvent, sqsRecord } from "../support/events.js";
import { recordingDispatcher } from "../tick/fakes.js";

/** One EMF document: its metric values, dimensions and declared units. */
interface Emf {
  readonly values: Record<string, unknown>;
  readonly namespace: string;
  readonly dimensions: string[];
  readonly units: Record<string, string>;
}

let written: string[] = [];
beforeEach(() => {
  written = [];
  clearRegistry();
  // Powertools writes EMF with its own Console over process.stdout.
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

function emfDocuments(): Emf[] {
  return written
    .flatMap((chunk) => chunk.split("\n"))
    .filter((line) => line.includes('"CloudWatchMetrics"'))
    .map((line) => {
      const document = JSON.parse(line) as Record<string, unknown> & {
        _aws: {
          CloudWatchMetrics: {
            Namespace: string;
            Dimensions: string[][];
            Metrics: { Name: string; Unit: string }[];
          }[];
        };
      };
      const [directive] = document._aws.CloudWatchMetrics;
      if (directive === undefined) throw new Error("an EMF document without a directive");
      return {
        values: document,
        namespace: directive.Namespace,
        dimensions: directive.Dimensions.flat(),
        units: Object.fromEntries(directive.Metrics.map((m) => [m.Name, m.Unit])),
      };
    });
}

const testMetrics = (): Metrics =>
  new Metrics({ namespace: "SchedulerTest", serviceName: "scheduler-test" });

describe("the tick handler's metrics", () => {
  it("publishes due, claimed, dispatched, backlog, lost, failed, duration and the oldest lateness", async () => {
    const store = createMemoryStore();
    const dueAt = [Date.parse("2026-01-05T00:00:00Z"), Date.parse("2026-01-05T00:00:30Z")];
    for (const [i, at] of dueAt.entries()) {
      const {
        version: _v,
        updatedAt: _u,
        ...record
      } = scheduleRecord({
        id: `s${i}`,
        nextRunAt: at,
      });
      await store.createSchedule(record);
    }
    const handler = createTickHandler({
      store,
      dispatcher: recordingDispatcher(),
      clock: manualClock("2026-01-05T00:01:00Z"),
      logger: silentLogger,
      metrics: testMetrics(),
    });
    await handler({}, lambdaContext(60_000));

    const [tick, ...others] = emfDocuments();
    expect(others).toEqual([]);
    expect(tick?.namespace).toBe("SchedulerTest");
    expect(tick?.dimensions).toEqual(["service"]);
    expect(tick?.values).toMatchObject({
      service: "scheduler-test",
      Due: 2,
      Claimed: 2,
      Dispatched: 2,
      Backlog: 0,
      Lost: 0,
      TickFailed: 0,
      TickDuration: 0,
      OldestDueLateness: 60_000,
    });
    expect(tick?.units).toMatchObject({ OldestDueLateness: "Milliseconds", Due: "Count" });
  });

  it("leaves the lateness out when nothing was due", async () => {
    const handler = createTickHandler({
      store: createMemoryStore(),
      dispatcher: recordingDispatcher(),
      clock: manualClock("2026-01-05T00:01:00Z"),
      logger: silentLogger,
      metrics: testMetrics(),
    });
    await handler({}, lambdaContext(60_000));
    const [tick] = emfDocuments();
    expect(tick?.values).toMatchObject({ Due: 0, Claimed: 0 });
    expect(tick?.values).not.toHaveProperty("OldestDueLateness");
  });
});

describe("the invoke handler's metrics", () => {
  it("publishes started, succeeded, failed, retried, lateness and duration per job", async () => {
    const clock = manualClock("2026-01-05T09:00:02Z");
    const store = createMemoryStore({ clock });
    defineJob({ name: "hello", handler: () => clock.advance(25) });
    defineJob({
      name: "broken",
      retry: { attempts: 1 },
      handler: () => {
        throw new Error("disk full");
      },
    });
    const good = envelope({ scheduleId: "good", job: "hello" });
    const bad = envelope({ scheduleId: "bad", job: "broken" });
    for (const e of [good, bad]) await seedRun(store, e);
    const handler = createInvokeHandler({
      store,
      clock,
      logger: silentLogger,
      logInputOutput: false,
      metrics: testMetrics(),
    });

    const response = await handler(
      sqsEvent(sqsRecord({ envelope: good }), sqsRecord({ envelope: bad })),
      lambdaContext(),
    );
    expect(response.batchItemFailures).toHaveLength(1);

    const documents = emfDocuments();
    const byJob = (job: string) => documents.find((d) => d.values.job === job);
    expect(byJob("hello")?.dimensions).toEqual(["service", "job"]);
    expect(byJob("hello")?.values).toMatchObject({
      RunsStarted: 1,
      RunsSucceeded: 1,
      RunsFailed: 0,
      RunsRetried: 0,
      RunLateness: 2_000,
      RunDuration: 25,
    });
    expect(byJob("broken")?.values).toMatchObject({
      RunsStarted: 1,
      RunsSucceeded: 0,
      RunsFailed: 1,
      RunsRetried: 0,
      RunLateness: expect.any(Number),
    });
    expect(byJob("hello")?.units).toMatchObject({ RunLateness: "Milliseconds" });
    const batch = documents.find((d) => d.values.job === undefined);
    expect(batch?.values).toMatchObject({ Deliveries: 2 });
    expect(documents).toHaveLength(3);
  });

  it("counts a failed attempt the job's policy retries as retried, not failed", async () => {
    const clock = manualClock("2026-01-05T09:00:00Z");
    const store = createMemoryStore({ clock });
    defineJob({
      name: "flaky",
      retry: { attempts: 3, backoffSeconds: 1 },
      handler: () => {
        throw new Error("timeout");
      },
    });
    const flaky = envelope({ scheduleId: "flaky", job: "flaky" });
    await seedRun(store, flaky);
    const handler = createInvokeHandler({
      store,
      clock,
      logger: silentLogger,
      logInputOutput: false,
      metrics: testMetrics(),
    });
    await handler(sqsEvent(sqsRecord({ envelope: flaky })), lambdaContext());
    const run = emfDocuments().find((d) => d.values.job === "flaky");
    expect(run?.values).toMatchObject({ RunsStarted: 1, RunsFailed: 0, RunsRetried: 1 });
  });
});

describe("metricsFromEnvironment", () => {
  it("takes the namespace from POWERTOOLS_METRICS_NAMESPACE, else a default", async () => {
    for (const [env, namespace] of [
      [{ POWERTOOLS_METRICS_NAMESPACE: "Ops/Scheduler" }, "Ops/Scheduler"],
      [{}, DEFAULT_METRICS_NAMESPACE],
    ] as const) {
      written = [];
      const metrics = metricsFromEnvironment(env);
      metrics.addMetric("Probe", "Count", 1);
      metrics.publishStoredMetrics();
      expect(emfDocuments()[0]?.namespace).toBe(namespace);
    }
  });
});
