import { beforeEach, describe, expect, it } from "vitest";
import { type Clock, manualClock } from "../../src/clock.js";
import { createSchedule, runNow } from "../../src/control/index.js";
import type { Dispatcher } from "../../src/dispatch/types.js";
import { createMemoryStore } from "../../src/store/memory.js";
import type { ScheduleRecord, ScheduleStore } from "../../src/store/types.js";
import { runTick, type TickOptions } from "../../src/tick/tick.js";
import { ms, scheduleRecord } from "../planning/factories.js";
import {
  dispatchCounts,
  interleaving,
  type RecordingDispatcher,
  recordingDispatcher,
  recordingPublisher,
} from "./fakes.js";

const T0 = "2026-01-05T00:00:00Z";

let store: ScheduleStore;
let dispatcher: RecordingDispatcher;
let publisher: ReturnType<typeof recordingPublisher>;
let clock: ReturnType<typeof manualClock>;

beforeEach(() => {
  store = createMemoryStore();
  dispatcher = recordingDispatcher();
  publisher = recordingPublisher();
  clock = manualClock(T0);
});

function tick(options: TickOptions = {}, deps: { clock?: Clock; store?: ScheduleStore } = {}) {
  return runTick(
    { store: deps.store ?? store, dispatcher, clock: deps.clock ?? clock, reporter: publisher },
    options,
  );
}

async function put(overrides: Partial<ScheduleRecord>): Promise<ScheduleRecord> {
  const { version: _v, updatedAt: _u, ...record } = scheduleRecord(overrides);
  return store.createSchedule(record);
}

describe("the tick", () => {
  it("runs a new schedule at once, with its payload, and writes no run record before it starts", async () => {
    const { schedule } = await createSchedule(
      { job: "hello", expression: "rate(1 hour)", payload: { name: "Ada" } },
      { store, clock },
    );
    clock.advance(400);
    const summary = await tick();
    expect(summary).toMatchObject({ read: 1, claimed: 1, dispatched: 1, lost: 0, backlog: 0 });
    expect(dispatcher.accepted).toEqual([
      {
        envelope: {
          v: 1,
          runId: `${schedule.id}@2026-01-05T00:00:00.000Z`,
          scheduleId: schedule.id,
          job: "hello",
          payload: { name: "Ada" },
          scheduledAt: "2026-01-05T00:00:00.000Z",
          attempt: 1,
        },
      },
    ]);
    expect(await store.getRun(schedule.id, ms(T0))).toBeUndefined();
    expect((await store.getSchedule(schedule.id))?.nextRunAt).toBe(ms("2026-01-05T01:00:00Z"));
  });

  it("sends precise occurrences due within the lookahead straight to the queue with their delay", async () => {
    await put({
      expression: "rate(20 seconds)",
      precise: true,
      startAt: ms("2026-01-05T00:00:15Z"),
      nextRunAt: ms("2026-01-05T00:00:15Z"),
    });
    const summary = await tick({ lookaheadMs: 60_000 });
    expect(summary).toMatchObject({ claimed: 1, dispatched: 3 });
    expect(
      dispatcher.accepted.map((d) => [d.envelope.scheduledAt, d.delaySeconds, d.precise]),
    ).toEqual([
      ["2026-01-05T00:00:15.000Z", 15, true],
      ["2026-01-05T00:00:35.000Z", 35, true],
      ["2026-01-05T00:00:55.000Z", 55, true],
    ]);
  });

  it("rounds a precise delay up, so a run never starts before its time", async () => {
    await put({
      expression: "rate(1 hour)",
      precise: true,
      nextRunAt: ms("2026-01-05T00:00:10.200Z"),
    });
    await tick();
    expect(dispatcher.accepted[0]?.delaySeconds).toBe(11);
  });

  it("leaves a schedule that is not precise alone until it is due, lookahead or not", async () => {
    await put({ nextRunAt: ms("2026-01-05T00:00:30Z") });
    expect(await tick()).toMatchObject({ read: 1, claimed: 0, dispatched: 0 });
    clock.advance(30_000);
    expect(await tick()).toMatchObject({ claimed: 1, dispatched: 1 });
  });

  it("stops at its deadline and leaves the rest as backlog for the next tick", async () => {
    for (let i = 0; i < 10; i++) await put({ id: `s${i}` });
    // Every reading of the clock costs a second, so the deadline arrives mid-page.
    const slow: Clock = {
      now: () => {
        clock.advance(1_000);
        return clock.now();
      },
    };
    const first = await tick({ deadline: ms(T0) + 5_500 }, { clock: slow });
    expect(first.claimed).toBeGreaterThan(0);
    expect(first.claimed + first.backlog).toBe(10);
    expect(first.backlog).toBeGreaterThan(0);
    const second = await tick();
    expect(second).toMatchObject({ claimed: first.backlog, backlog: 0 });
    expect(dispatchCounts(dispatcher.accepted).size).toBe(10);
  });

  it("stops at maxSchedules and counts the rest as backlog", async () => {
    for (let i = 0; i < 5; i++) await put({ id: `s${i}` });
    expect(await tick({ maxSchedules: 2, pageSize: 10 })).toMatchObject({ claimed: 2, backlog: 3 });
  });

  it("dispatches each occurrence exactly once when two ticks race over the same due set", async () => {
    for (let i = 0; i < 40; i++) await put({ id: `s${i}`, expression: "rate(10 seconds)" });
    const shared = interleaving(store);
    const [a, b] = await Promise.all([
      tick({ pageSize: 7 }, { store: shared }),
      tick({ pageSize: 7 }, { store: shared }),
    ]);
    expect((a?.claimed ?? 0) + (b?.claimed ?? 0)).toBe(40);
    // The shard's lease lets one tick work it; the other finds it busy.
    expect((a?.busy ?? 0) + (b?.busy ?? 0)).toBe(1);
    const counts = dispatchCounts(dispatcher.accepted);
    expect(counts.size).toBe(40);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it("takes no lease on a shard with nothing due", async () => {
    await put({ nextRunAt: ms(T0) + 3_600_000 });
    const leases: string[] = [];
    const watched: ScheduleStore = {
      ...store,
      acquireLease(lease) {
        leases.push(lease.name);
        return store.acquireLease(lease);
      },
    };
    expect(await tick({}, { store: watched })).toMatchObject({ read: 0, busy: 0 });
    expect(leases).toEqual([]);
  });

  it("leaves a shard alone while another tick holds its lease, and works it once that lease expires", async () => {
    await put({});
    const held = { name: "tick#0", owner: "another tick", now: ms(T0) };
    expect(await store.acquireLease({ ...held, until: ms(T0) + 30_000 })).toBe(true);
    expect(await tick()).toMatchObject({ busy: 1, read: 0, dispatched: 0 });
    clock.advance(30_000);
    expect(await tick()).toMatchObject({ busy: 0, claimed: 1, dispatched: 1 });
  });

  it("sends an occurrence again when its claim failed after the send, and claims it then", async () => {
    await put({});
    let failClaims = 1;
    const crashing: ScheduleStore = {
      ...store,
      claim: (claim) => {
        if (failClaims-- > 0) return Promise.reject(new Error("connection reset"));
        return store.claim(claim);
      },
    };
    expect(await tick({}, { store: crashing })).toMatchObject({
      dispatched: 1,
      claimed: 0,
      failed: 1,
    });
    // Still due: the schedule's place on the due index is what sends it again.
    expect((await store.getSchedule("s1"))?.nextRunAt).toBe(ms(T0));
    expect(await tick({}, { store: crashing })).toMatchObject({ dispatched: 1, claimed: 1 });
    // Twice on the wire; the invoke side starts a run id once (startRun is conditional).
    expect(dispatchCounts(dispatcher.accepted).get("s1@2026-01-05T00:00:00.000Z")).toBe(2);
    expect((await store.getSchedule("s1"))?.nextRunAt).toBe(ms("2026-01-05T00:01:00Z"));
  });

  it("loses and repeats none of the others when one claim of a concurrent page fails", async () => {
    for (let i = 0; i < 20; i++) await put({ id: `s${String(i).padStart(2, "0")}` });
    const failing: ScheduleStore = {
      ...store,
      claim(claim) {
        if (claim.schedule.id === "s07") return Promise.reject(new Error("throttled"));
        return store.claim(claim);
      },
    };
    expect(await tick({ pageSize: 8 }, { store: failing })).toMatchObject({
      claimed: 19,
      failed: 1,
    });
    const counts = dispatchCounts(dispatcher.accepted);
    expect(counts.size).toBe(20);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect((await store.queryDue({ dueBefore: ms(T0) })).items.map((s) => s.id)).toEqual(["s07"]);
    expect(await tick()).toMatchObject({ claimed: 1, dispatched: 1 });
  });

  it("does not claim a schedule whose send failed, so the next tick sends it", async () => {
    await put({});
    dispatcher.throwNext();
    expect(await tick()).toMatchObject({ claimed: 0, dispatched: 0, failed: 1 });
    expect((await store.getSchedule("s1"))?.nextRunAt).toBe(ms(T0));
    expect(await tick()).toMatchObject({ claimed: 1, dispatched: 1, failed: 0 });
  });

  it("leaves a schedule whose run the transport refused due, for the next tick", async () => {
    await put({});
    dispatcher.refuse(["s1@2026-01-05T00:00:00.000Z"]);
    expect(await tick()).toMatchObject({ claimed: 0, dispatched: 0, failed: 1 });
    expect((await store.getSchedule("s1"))?.nextRunAt).toBe(ms(T0));
  });

  it("loses the claim of a schedule updated after it was read, its runs already sent", async () => {
    await put({});
    const updating: Dispatcher = {
      async dispatch(dispatches) {
        await store.updateSchedule("s1", { payload: { changed: true } });
        return dispatcher.dispatch(dispatches);
      },
    };
    const summary = await runTick({ store, dispatcher: updating, clock });
    expect(summary).toMatchObject({ dispatched: 1, claimed: 0, lost: 1 });
  });

  it("reports an expired deadline to the errors topic and ends the schedule", async () => {
    await put({
      expression: "deadline(2026-01-04T23:00:00)",
      nextRunAt: ms("2026-01-04T22:00:00Z"),
    });
    const summary = await tick();
    expect(summary).toMatchObject({ claimed: 1, expired: 1, completed: 1, dispatched: 0 });
    expect(publisher.events).toEqual([
      {
        type: "run.expired",
        job: "hello",
        scheduleId: "s1",
        runId: "s1@2026-01-04T22:00:00.000Z",
        attempt: 0,
        final: true,
        error: {
          name: "DeadlineExpired",
          message: "not run by its deadline 2026-01-04T23:00:00.000Z",
        },
        at: "2026-01-05T00:00:00.000Z",
      },
    ]);
    expect((await store.getSchedule("s1"))?.state).toBe("EXPIRED");
    expect((await store.getRun("s1", ms("2026-01-04T22:00:00Z")))?.status).toBe("EXPIRED");
  });

  it("leaves a schedule due when the event of its missed run could not be published", async () => {
    clock.set("2026-01-05T00:30:00Z");
    await put({ expression: "0 * * * *", nextRunAt: ms(T0), maxLatenessMs: 60_000 });
    const failing = { publish: async () => false };
    const summary = await runTick({ store, dispatcher, clock, reporter: failing });
    expect(summary).toMatchObject({ claimed: 0, failed: 1, missed: 0 });
    expect((await store.getSchedule("s1"))?.nextRunAt).toBe(ms(T0));
    expect(await tick()).toMatchObject({ claimed: 1, missed: 1 });
    expect(publisher.events.map((e) => e.type)).toEqual(["run.missed"]);
  });

  it("reports a run later than its maxLateness as missed, and keeps the schedule going", async () => {
    clock.set("2026-01-05T00:30:00Z");
    await put({
      expression: "0 * * * *",
      nextRunAt: ms("2026-01-05T00:00:00Z"),
      maxLatenessMs: 60_000,
    });
    const summary = await tick();
    expect(summary).toMatchObject({ missed: 1, dispatched: 0, completed: 0 });
    expect(publisher.events.map((e) => e.type)).toEqual(["run.missed"]);
    expect((await store.getSchedule("s1"))?.nextRunAt).toBe(ms("2026-01-05T01:00:00Z"));
  });

  it("counts a schedule whose maxRuns is reached as completed", async () => {
    await put({ maxRuns: 1 });
    expect(await tick()).toMatchObject({ claimed: 1, completed: 1, dispatched: 1 });
    expect(await store.getSchedule("s1")).toMatchObject({ state: "COMPLETED", runCount: 1 });
    expect((await store.getSchedule("s1"))?.nextRunAt).toBeUndefined();
  });

  it("keeps going when one schedule cannot be parsed, counting it as failed", async () => {
    await put({ id: "bad", expression: "every tuesday" });
    await put({ id: "good" });
    expect(await tick()).toMatchObject({ claimed: 1, failed: 1, dispatched: 1 });
  });

  it("sends an occurrence that run-now already created at the same instant, and advances", async () => {
    await createSchedule({ id: "s1", job: "hello", expression: "rate(1 hour)" }, { store, clock });
    const { run } = await runNow("s1", { store, clock });
    expect(run.scheduledAt).toBe(ms(T0));
    // The invoke side finds the run exists and starts it at most once.
    expect(await tick()).toMatchObject({ claimed: 1, lost: 0, dispatched: 1 });
    expect(await store.getSchedule("s1")).toMatchObject({
      nextRunAt: ms("2026-01-05T01:00:00Z"),
      runCount: 1,
    });
    expect(await tick()).toMatchObject({ read: 0 });
  });

  it("catches up a 3-day outage in one claim per schedule", async () => {
    await put({ nextRunAt: ms("2026-01-02T00:00:00Z") });
    expect(await tick()).toMatchObject({ claimed: 1, dispatched: 1 });
    expect(dispatcher.accepted[0]?.envelope.scheduledAt).toBe("2026-01-05T00:00:00.000Z");
  });

  it("keeps at most `concurrency` claims in flight, and a slow claim holds up none of the others", async () => {
    for (let i = 0; i < 30; i++) await put({ id: `s${String(i).padStart(2, "0")}` });
    let inFlight = 0;
    let most = 0;
    let releaseSlow: (() => void) | undefined;
    const slowGate = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    const watched: ScheduleStore = {
      ...store,
      async claim(claim) {
        inFlight += 1;
        most = Math.max(most, inFlight);
        if (claim.schedule.id === "s00") await slowGate;
        else await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        return store.claim(claim);
      },
    };
    const running = tick({ concurrency: 4, pageSize: 5 }, { store: watched });
    // Every other schedule gets claimed while s00's claim hangs (bounded wait, no real time).
    for (let turn = 0; turn < 10_000; turn++) {
      const { items } = await store.queryDue({ dueBefore: ms(T0) });
      if (items.length === 1) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await store.queryDue({ dueBefore: ms(T0) })).items.map((s) => s.id)).toEqual(["s00"]);
    releaseSlow?.();
    expect(await running).toMatchObject({ claimed: 30, backlog: 0 });
    expect(most).toBe(4);
  });

  it("hands shards whose first page is full to other workers when it fans out eagerly", async () => {
    for (let i = 0; i < 5; i++) await put({ id: `s${i}` });
    const handedOff: number[][] = [];
    const fanOut = {
      eager: true,
      handOff: async (shards: readonly number[]) => void handedOff.push([...shards]),
    };
    expect(await tick({ pageSize: 3, fanOut })).toMatchObject({ claimed: 0, handedOff: [0] });
    expect(handedOff).toEqual([[0]]);
    // A light shard is worked where it is.
    expect(await tick({ pageSize: 10, fanOut })).toMatchObject({ claimed: 5, handedOff: [] });
  });

  it("hands a shard left unfinished at its deadline on to another worker, with an honest backlog", async () => {
    for (let i = 0; i < 10; i++) await put({ id: `s${i}` });
    const slow: Clock = {
      now: () => {
        clock.advance(1_000);
        return clock.now();
      },
    };
    const handedOff: number[] = [];
    const fanOut = { handOff: async (shards: readonly number[]) => void handedOff.push(...shards) };
    const summary = await tick({ deadline: ms(T0) + 5_500, fanOut }, { clock: slow });
    expect(summary.backlog).toBeGreaterThan(0);
    expect(summary.claimed + summary.backlog).toBe(10);
    expect(summary.handedOff).toEqual([0]);
    expect(handedOff).toEqual([0]);
  });
});
