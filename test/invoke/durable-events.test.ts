/**
 * Failure events survive a crash between the write that records a failure and its publish: the
 * write leaves an `unreported` marker on the run, and the next delivery of the same message
 * publishes the event and clears the marker. The crashed delivery is modelled by a publisher
 * that is down (nothing it is given leaves the process), its redelivery by a working one.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../../src/clock.js";
import type { FailureEvent } from "../../src/dispatch/errors-topic.js";
import type { Envelope } from "../../src/dispatch/types.js";
import { createInvoker } from "../../src/invoke/invoker.js";
import { silentLogger } from "../../src/logger.js";
import { defineJob } from "../../src/registry/define.js";
import { clearRegistry } from "../../src/registry/registry.js";
import { createMemoryStore } from "../../src/store/memory.js";
import { createSqliteStore } from "../../src/store/sqlite/store.js";
import type { ScheduleStore } from "../../src/store/types.js";
import { envelope } from "../support/events.js";
import { runOf, seedSchedule } from "./fixtures.js";

const START = "2026-01-05T09:00:02.000Z";

beforeEach(() => clearRegistry());

/** An invoker whose publisher can be taken down, over `store`. */
function crashable(store: ScheduleStore) {
  const clock = manualClock(START);
  const events: FailureEvent[] = [];
  let down = false;
  const invoker = createInvoker({
    store,
    clock,
    logger: silentLogger,
    errorPublisher: {
      publish: async (event) => {
        if (down) throw new Error("the process died before the publish");
        events.push(event);
      },
    },
  });
  return {
    invoker,
    events,
    clock,
    crashing: (on: boolean) => {
      down = on;
    },
  };
}

interface CrashPoint {
  readonly name: string;
  /** Registers the job and returns the envelope whose first delivery records a failure. */
  readonly arrange: () => Envelope;
  readonly status: string;
  readonly event: Partial<FailureEvent>;
  /** What the redelivery comes to. */
  readonly redelivered: string;
}

const crashPoints: CrashPoint[] = [
  {
    name: "a failed attempt (RETRYING)",
    arrange: () => {
      let calls = 0;
      defineJob({
        name: "hello",
        retry: { attempts: 3, backoffSeconds: 1 },
        handler: () => {
          calls += 1;
          if (calls === 1) throw new Error("first attempt fails");
        },
      });
      return envelope();
    },
    status: "RETRYING",
    event: { type: "run.failed", attempt: 1, final: false },
    redelivered: "succeeded",
  },
  {
    name: "a last attempt (FAILED)",
    arrange: () => {
      defineJob({
        name: "hello",
        retry: { attempts: 1 },
        handler: () => {
          throw new Error("always fails");
        },
      });
      return envelope();
    },
    status: "FAILED",
    event: { type: "run.failed", attempt: 1, final: true },
    redelivered: "dead-letter",
  },
  {
    name: "a run past its deadline (EXPIRED, never started)",
    arrange: () => {
      defineJob({ name: "hello", handler: () => undefined });
      return envelope({ deadline: "2026-01-05T09:00:01.000Z" });
    },
    status: "EXPIRED",
    event: { type: "run.expired", attempt: 1, final: true },
    redelivered: "duplicate",
  },
  {
    name: "a job missing from the bundle (FAILED, never started)",
    arrange: () => envelope({ job: "not-bundled" }),
    status: "FAILED",
    event: { type: "run.failed", attempt: 1, final: true, job: "not-bundled" },
    redelivered: "dead-letter",
  },
];

const stores: [string, () => ScheduleStore][] = [
  ["memory", () => createMemoryStore({ clock: manualClock(START) })],
  ["SQLite", () => createSqliteStore({ path: ":memory:", clock: manualClock(START) })],
];

describe.each(stores)("failure events on the %s store", (_name, makeStore) => {
  describe.each(crashPoints)("after recording $name", (point) => {
    it("are published exactly once by the next delivery when the process dies before the publish", async () => {
      const store = makeStore();
      const { invoker, events, crashing } = crashable(store);
      const sent = point.arrange();
      await seedSchedule(store, sent);

      crashing(true);
      await invoker.processEnvelope(sent, { attempt: 1 });
      expect(events).toEqual([]);
      expect(await runOf(store, sent)).toMatchObject({
        status: point.status,
        unreported: { attempt: 1, final: point.event.final },
      });

      crashing(false);
      const again = await invoker.processEnvelope(sent, { attempt: 2 });
      expect(again.outcome).toBe(point.redelivered);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ ...point.event, runId: sent.runId });
      expect(await runOf(store, sent)).not.toHaveProperty("unreported");

      // Once published, never again.
      await invoker.processEnvelope(sent, { attempt: 3 });
      expect(events.filter((event) => event.attempt === 1)).toHaveLength(1);
      await store.close();
    });

    it("are published once, and the marker cleared, when nothing crashes", async () => {
      const store = makeStore();
      const { invoker, events } = crashable(store);
      const sent = point.arrange();
      await seedSchedule(store, sent);

      await invoker.processEnvelope(sent, { attempt: 1 });
      expect(events).toMatchObject([point.event]);
      expect(await runOf(store, sent)).not.toHaveProperty("unreported");
      await store.close();
    });
  });
});
