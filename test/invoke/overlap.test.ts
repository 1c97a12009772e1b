/**
 * Overlap `skip` and `buffer-one` on each store: they rest on the order and the pages of a
 * schedule's runs, which each store keeps its own way.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Clock, manualClock } from "../../src/clock.js";
import type { Dispatch, Dispatcher, Envelope } from "../../src/dispatch/types.js";
import { createInvoker, type InvokerOptions } from "../../src/invoke/invoker.js";
import { silentLogger } from "../../src/logger.js";
import { defineJob } from "../../src/registry/define.js";
import { clearRegistry } from "../../src/registry/registry.js";
import type { Overlap } from "../../src/registry/types.js";
import { createDynamoStore } from "../../src/store/dynamodb/store.js";
import { createMemoryStore } from "../../src/store/memory.js";
import { createSqliteStore } from "../../src/store/sqlite/store.js";
import { RUN_STATUS, type RunStatus, type ScheduleStore } from "../../src/store/types.js";
import { emulatorTable } from "../support/dynamodb.js";
import { envelope } from "../support/events.js";
import { runOf, seedRun, seedSchedule } from "./fixtures.js";

const NOW = Date.parse("2026-01-05T09:10:00.000Z");
/** The job's timeout (60 s) plus the invoker's default grace (60 s). */
const STALE_AFTER_SECONDS = 120;

beforeEach(() => clearRegistry());

/** Occurrences of one schedule, a minute apart, the last at NOW. */
const occurrence = (minute: number): Envelope =>
  envelope({ scheduledAt: `2026-01-05T09:${String(minute).padStart(2, "0")}:00.000Z` });

/** A dispatcher that keeps what it is given. */
function keptDispatches(): Dispatcher & { sent: Dispatch[] } {
  const sent: Dispatch[] = [];
  return {
    sent,
    dispatch: async (dispatches) => {
      sent.push(...dispatches);
      return { failed: [] };
    },
  };
}

/** A job under `overlap` that records its runs; the run `holdRunId` waits for `release()`. */
function gatedJob(overlap: Overlap, holdRunId?: string) {
  const calls: string[] = [];
  let release = (): void => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  defineJob({
    name: "hello",
    overlap,
    timeoutSeconds: 60,
    handler: async (_payload, ctx) => {
      calls.push(ctx.runId);
      if (ctx.runId === holdRunId) await held;
    },
  });
  return { calls, release };
}

/** A store on `clock`, and how to let go of it. */
type Opened = { readonly store: ScheduleStore; cleanup(): Promise<void> };

const subjects: readonly [string, (clock: Clock) => Promise<Opened>][] = [
  ["memory", async (clock) => ({ store: createMemoryStore({ clock }), cleanup: async () => {} })],
  [
    "SQLite",
    async (clock) => {
      const dir = mkdtempSync(join(tmpdir(), "overlap-"));
      const store = createSqliteStore({ path: join(dir, "schedules.db"), clock });
      return {
        store,
        cleanup: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
  [
    "DynamoDB",
    async (clock) => {
      const { client, tableName, drop } = await emulatorTable("overlap");
      return { store: createDynamoStore({ tableName, client, clock }), cleanup: drop };
    },
  ],
];

/** Seeds a run of `sent` in `status`, last written at `updatedAt`. */
async function seedAt(
  store: ScheduleStore,
  sent: Envelope,
  status: RunStatus,
  updatedAt: number,
): Promise<void> {
  await seedRun(store, sent, {
    status,
    ...(status === RUN_STATUS.RUNNING ? { startedAt: updatedAt } : {}),
  });
  await store.updateRun(
    sent.scheduleId,
    Date.parse(sent.scheduledAt),
    { updatedAt },
    { expect: [status] },
  );
}

/** Lets the event loop run until `check` holds (a few turns at most). */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let turn = 0; turn < 100; turn += 1) {
    if (await check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error("the condition never held");
}

describe.each(subjects)("on the %s store", (_name, open) => {
  let opened: Opened | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  /** The store, a visibility recorder and an invoker over them, on a clock stopped at NOW. */
  const setup = async (options: Partial<InvokerOptions> = {}) => {
    const clock = manualClock(new Date(NOW));
    opened = await open(clock);
    const visibility: number[] = [];
    const invoker = createInvoker({
      store: opened.store,
      clock,
      logger: silentLogger,
      errorPublisher: { publish: async () => {} },
      runningGraceSeconds: 60,
      ...options,
    });
    return {
      store: opened.store,
      invoker,
      visibility,
      changeVisibility: (seconds: number) => void visibility.push(seconds),
    };
  };

  describe("overlap buffer-one", () => {
    it("holds one run while the previous one runs, sends it when that one ends, and skips the rest", async () => {
      const dispatcher = keptDispatches();
      const { store, invoker, visibility, changeVisibility } = await setup({ dispatcher });
      const [first, second, third] = [occurrence(8), occurrence(9), occurrence(10)];
      const { calls, release } = gatedJob("buffer-one", first.runId);
      await seedSchedule(store, first);

      const running = invoker.processEnvelope(first, { attempt: 1 });
      await until(async () => (await runOf(store, first))?.status === RUN_STATUS.RUNNING);

      const waiting = await invoker.processEnvelope(second, { attempt: 1, changeVisibility });
      expect(waiting.outcome).toBe("buffered");
      expect((await runOf(store, second))?.status).toBe("BUFFERED");
      // Its own message comes back once the first run must be over, should nothing send it.
      expect(visibility).toEqual([STALE_AFTER_SECONDS]);

      const dropped = await invoker.processEnvelope(third, { attempt: 1 });
      expect(dropped.outcome).toBe("skipped");
      expect(await runOf(store, third)).toMatchObject({
        status: "SKIPPED",
        error: {
          name: "OverlapError",
          message: `skipped by overlap buffer-one: run ${second.runId} already waits for the previous run to end`,
        },
      });
      expect(dispatcher.sent).toEqual([]);

      release();
      expect((await running).outcome).toBe("succeeded");
      expect(dispatcher.sent).toEqual([{ envelope: { ...second, attempt: 1 }, precise: true }]);

      const [wakeUp] = dispatcher.sent;
      if (wakeUp === undefined) throw new Error("nothing was sent");
      const woken = await invoker.processEnvelope(wakeUp.envelope, { attempt: 1 });
      expect(woken.outcome).toBe("succeeded");
      expect(calls).toEqual([first.runId, second.runId]);
      expect(await runOf(store, second)).toMatchObject({ status: "SUCCEEDED", attempt: 1 });

      // The waiting run's own message, back later, finds it done.
      const late = await invoker.processEnvelope(second, { attempt: 2, receiveCount: 2 });
      expect(late.outcome).toBe("duplicate");
      expect(calls).toEqual([first.runId, second.runId]);
    });

    it("starts at once when the previous run ended between its read and the waiting write", async () => {
      const { store } = await setup();
      const [first, second] = [occurrence(9), occurrence(10)];
      const { calls } = gatedJob("buffer-one");
      await seedAt(store, first, RUN_STATUS.SUCCEEDED, NOW - 1_000);
      // The read of the earlier runs still sees the first one RUNNING.
      const ended = await runOf(store, first);
      if (ended === undefined) throw new Error("the first run was not seeded");
      const stale = { ...ended, status: RUN_STATUS.RUNNING, startedAt: NOW };
      let reads = 0;
      const racing = new Proxy(store, {
        get: (target, key) =>
          key === "listRuns" && reads++ === 0
            ? async () => ({ items: [stale] })
            : Reflect.get(target, key),
      });
      const invoker = createInvoker({
        store: racing,
        clock: manualClock(new Date(NOW)),
        logger: silentLogger,
        runningGraceSeconds: 60,
      });
      expect((await invoker.processEnvelope(second, { attempt: 1 })).outcome).toBe("succeeded");
      expect(calls).toEqual([second.runId]);
    });

    it("sends the waiting run when a redelivery finds the previous run already ended", async () => {
      const dispatcher = keptDispatches();
      const { store, invoker } = await setup({ dispatcher });
      const [first, second] = [occurrence(9), occurrence(10)];
      gatedJob("buffer-one");
      await seedAt(store, first, RUN_STATUS.SUCCEEDED, NOW - 1_000);
      await seedAt(store, second, RUN_STATUS.BUFFERED, NOW - 1_000);
      expect((await invoker.processEnvelope(first, { attempt: 2 })).outcome).toBe("duplicate");
      expect(dispatcher.sent.map((sent) => sent.envelope.runId)).toEqual([second.runId]);
    });

    it("starts the waiting run from its own message when nothing sent it", async () => {
      const { store, invoker } = await setup();
      const [first, second] = [occurrence(9), occurrence(10)];
      const { calls } = gatedJob("buffer-one");
      await seedAt(store, first, RUN_STATUS.SUCCEEDED, NOW - 1_000);
      await seedAt(store, second, RUN_STATUS.BUFFERED, NOW - 1_000);
      const result = await invoker.processEnvelope(second, { attempt: 2, receiveCount: 2 });
      expect(result.outcome).toBe("succeeded");
      expect(calls).toEqual([second.runId]);
    });

    it("lets a run start when the one waiting before it was lost long ago", async () => {
      const { store, invoker } = await setup();
      const [first, second, third] = [occurrence(8), occurrence(9), occurrence(10)];
      const { calls } = gatedJob("buffer-one");
      await seedAt(store, first, RUN_STATUS.SUCCEEDED, NOW - 600_000);
      await seedAt(store, second, RUN_STATUS.BUFFERED, NOW - (STALE_AFTER_SECONDS + 1) * 1_000);
      expect((await invoker.processEnvelope(third, { attempt: 1 })).outcome).toBe("succeeded");
      expect(calls).toEqual([third.runId]);
    });
  });

  describe("the run an occurrence would overlap", () => {
    it.each<[Overlap, string]>([
      ["skip", "skipped"],
      ["buffer-one", "buffered"],
      ["allow", "succeeded"],
    ])("is found past the runs skipped meanwhile (overlap %s: %s)", async (overlap, outcome) => {
      const { store, invoker } = await setup({ dispatcher: keptDispatches() });
      gatedJob(overlap);
      const [long, skipped, missed, next] = [7, 8, 9, 10].map(occurrence) as [
        Envelope,
        Envelope,
        Envelope,
        Envelope,
      ];
      await seedAt(store, long, RUN_STATUS.RUNNING, NOW - 5_000);
      await seedAt(store, skipped, RUN_STATUS.SKIPPED, NOW - 4_000);
      await seedAt(store, missed, RUN_STATUS.MISSED, NOW - 3_000);
      expect((await invoker.processEnvelope(next, { attempt: 1 })).outcome).toBe(outcome);
    });
  });
});
