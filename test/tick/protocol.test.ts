/**
 * The claim protocol (docs/claims.md) on every store: memory, SQLite on a file (two connections
 * stand for two processes), and DynamoDB on the local emulator. Two ticks racing send each
 * occurrence once; a tick that dies at any step loses no occurrence, and the invoke side runs
 * each once, although an occurrence sent just before the death travels twice.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { manualClock } from "../../src/clock.js";
import type { Dispatch, Dispatcher } from "../../src/dispatch/types.js";
import { createInvoker } from "../../src/invoke/invoker.js";
import { silentLogger } from "../../src/logger.js";
import type { JobLookup } from "../../src/registry/types.js";
import { createDynamoStore } from "../../src/store/dynamodb/store.js";
import { createMemoryStore } from "../../src/store/memory.js";
import { createSqliteStore } from "../../src/store/sqlite/store.js";
import type { ScheduleStore } from "../../src/store/types.js";
import { runTick } from "../../src/tick/tick.js";
import { job } from "../control/jobs.js";
import { ms, scheduleRecord } from "../planning/factories.js";
import { emulatorTable } from "../support/dynamodb.js";
import { dispatchCounts, recordingDispatcher } from "./fakes.js";

const T0 = "2026-01-05T00:00:00Z";
const SCHEDULES = 6;

/** Two handles on one store (two processes), and how to let go of them. */
interface Stores {
  readonly a: ScheduleStore;
  readonly b: ScheduleStore;
  cleanup(): Promise<void>;
}

type Clock = ReturnType<typeof manualClock>;

const subjects: readonly [string, (clock: Clock) => Promise<Stores>][] = [
  [
    "memory",
    async (clock) => {
      const store = createMemoryStore({ clock });
      return { a: store, b: store, cleanup: () => store.close() };
    },
  ],
  [
    "SQLite",
    async (clock) => {
      const dir = mkdtempSync(join(tmpdir(), "protocol-"));
      const path = join(dir, "schedules.db");
      const a = createSqliteStore({ path, clock });
      const b = createSqliteStore({ path, clock });
      return {
        a,
        b,
        cleanup: async () => {
          await a.close();
          await b.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
  [
    "DynamoDB",
    async (clock) => {
      const { client, tableName, drop } = await emulatorTable("protocol");
      const a = createDynamoStore({ tableName, client, clock, dueShards: 4 });
      const b = createDynamoStore({ tableName, client, clock, dueShards: 4 });
      return { a, b, cleanup: drop };
    },
  ],
];

async function seed(store: ScheduleStore): Promise<void> {
  for (let i = 0; i < SCHEDULES; i++) {
    const {
      version: _v,
      updatedAt: _u,
      ...record
    } = scheduleRecord({
      id: `s${i}`,
      expression: "rate(1 hour)",
      nextRunAt: ms(T0),
    });
    await store.createSchedule(record);
  }
}

/** Every occurrence this test can send: each schedule's run at T0. */
const runIds = Array.from({ length: SCHEDULES }, (_, i) => `s${i}@2026-01-05T00:00:00.000Z`);

/** Runs the sent envelopes through the invoke core; returns how often each job ran. */
async function invokeAll(
  store: ScheduleStore,
  clock: Clock,
  sent: readonly Dispatch[],
): Promise<Map<string, number>> {
  const runs = new Map<string, number>();
  const hello = {
    ...job("hello"),
    handler: (_payload: unknown, ctx: { readonly runId: string }) => {
      runs.set(ctx.runId, (runs.get(ctx.runId) ?? 0) + 1);
    },
  };
  const jobs: JobLookup = {
    get: (name) => (name === "hello" ? hello : undefined),
    names: () => ["hello"],
  };
  const invoker = createInvoker({ store, clock, jobs, logger: silentLogger });
  for (const dispatch of sent) await invoker.processEnvelope(dispatch.envelope, { attempt: 1 });
  return runs;
}

/** Where a tick can die: before or after each store call, or the transport's. */
const STEPS = ["queryDue", "acquireLease", "claim", "releaseLease", "dispatch"] as const;
type Step = (typeof STEPS)[number];
const CRASH_POINTS = STEPS.flatMap((step) => [
  { step, when: "before" as const },
  { step, when: "after" as const },
]);

/**
 * The process dies at the first `step` call (before it reaches the store or transport, or after
 * it took effect): from then on every call of either fails, as nothing runs in a dead process.
 */
function dying(
  store: ScheduleStore,
  dispatcher: Dispatcher,
  at: { step: Step; when: "before" | "after" },
): { store: ScheduleStore; dispatcher: Dispatcher } {
  let dead = false;
  const guard = async <T>(step: string, call: () => Promise<T>): Promise<T> => {
    if (dead) throw new Error("the process is gone");
    if (step !== at.step) return call();
    dead = true;
    if (at.when === "after") await call();
    throw new Error(`died ${at.when} ${step}`);
  };
  const wrapped = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => guard(String(property), () => value.apply(target, args));
    },
  });
  return {
    store: wrapped,
    dispatcher: { dispatch: (d) => guard("dispatch", () => dispatcher.dispatch(d)) },
  };
}

describe.each(subjects)("the claim protocol on the %s store", (_name, open) => {
  it("sends each occurrence once when two ticks race over the same due set", async () => {
    const clock = manualClock(T0);
    const stores = await open(clock);
    try {
      await seed(stores.a);
      const dispatcher = recordingDispatcher();
      const [first, second] = await Promise.all([
        runTick({ store: stores.a, dispatcher, clock }),
        runTick({ store: stores.b, dispatcher, clock }),
      ]);
      expect((first?.claimed ?? 0) + (second?.claimed ?? 0)).toBe(SCHEDULES);
      const counts = dispatchCounts(dispatcher.accepted);
      expect([...counts.keys()].sort()).toEqual(runIds);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await stores.cleanup();
    }
  });

  it.each(CRASH_POINTS)(
    "loses nothing and runs each occurrence once when a tick dies $when $step",
    async (at) => {
      const clock = manualClock(T0);
      const stores = await open(clock);
      try {
        await seed(stores.a);
        const sent = recordingDispatcher();
        const doomed = dying(stores.a, sent, at);
        await runTick({ ...doomed, clock }).catch(() => undefined);

        // The next tick, once the dead tick's lease has expired (its deadline plus the margin).
        clock.advance(91_000);
        await runTick({ store: stores.b, dispatcher: sent, clock });
        for (const id of runIds.map((runId) => runId.split("@")[0] ?? "")) {
          expect((await stores.b.getSchedule(id))?.nextRunAt).toBe(ms("2026-01-05T01:00:00Z"));
        }
        const counts = dispatchCounts(sent.accepted);
        expect([...counts.keys()].sort()).toEqual(runIds);

        const ran = await invokeAll(stores.b, clock, sent.accepted);
        expect([...ran.keys()].sort()).toEqual(runIds);
        expect([...ran.values()].every((n) => n === 1)).toBe(true);
      } finally {
        await stores.cleanup();
      }
    },
  );
});
