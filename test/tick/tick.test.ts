import { beforeEach, describe, expect, it } from "vitest";
import { type Clock, manualClock } from "../../src/clock.js";
import { createSchedule, runNow } from "../../src/control/index.js";
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
  it("runs a new schedule at once, with its payload, and marks it DISPATCHED", async () => {
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
    const run = await store.getRun(schedule.id, ms(T0));
    expect(run).toMatchObject({ status: "DISPATCHED", dispatchedAt: ms(T0) + 400 });
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
    expect((a?.lost ?? 0) + (b?.lost ?? 0)).toBeGreaterThan(0);
    const counts = dispatchCounts(dispatcher.accepted);
    expect(counts.size).toBe(40);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it("re-drives a run left PENDING by a crash between claim and dispatch, after the grace period", async () => {
    await put({});
    dispatcher.throwNext();
    const crashed = await tick();
    expect(crashed).toMatchObject({ claimed: 1, dispatched: 0, failed: 1 });
    expect((await store.getRun("s1", ms(T0)))?.status).toBe("PENDING");

    clock.advance(60_000);
    const early = await tick({ redriveGraceMs: 120_000 });
    expect(early.redriven).toBe(0);

    clock.advance(61_000);
    const late = await tick({ redriveGraceMs: 120_000 });
    expect(late.redriven).toBe(1);
    expect((await store.getRun("s1", ms(T0)))?.status).toBe("DISPATCHED");
    expect(dispatchCounts(dispatcher.accepted).get(`s1@2026-01-05T00:00:00.000Z`)).toBe(1);
  });

  it("leaves a run the transport refused PENDING for a later re-drive", async () => {
    await put({});
    dispatcher.refuse(["s1@2026-01-05T00:00:00.000Z"]);
    expect(await tick()).toMatchObject({ claimed: 1, dispatched: 0, failed: 1 });
    expect((await store.getRun("s1", ms(T0)))?.status).toBe("PENDING");
  });

  it("accepts that the invoke side started a run before the tick marked it DISPATCHED", async () => {
    await put({});
    const racing = recordingDispatcher();
    const startsAtOnce = {
      ...racing,
      async dispatch(dispatches: Parameters<typeof racing.dispatch>[0]) {
        for (const d of dispatches) {
          const at = ms(d.envelope.scheduledAt);
          await store.updateRun(
            "s1",
            at,
            { status: "RUNNING", startedAt: at },
            { expect: ["PENDING"] },
          );
        }
        return racing.dispatch(dispatches);
      },
    };
    const summary = await runTick({ store, dispatcher: startsAtOnce, clock });
    expect(summary).toMatchObject({ dispatched: 1, failed: 0 });
    expect((await store.getRun("s1", ms(T0)))?.status).toBe("RUNNING");
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

  it("advances past an occurrence that run-now already created at the same instant", async () => {
    await createSchedule({ id: "s1", job: "hello", expression: "rate(1 hour)" }, { store, clock });
    const { run } = await runNow("s1", { store, clock });
    expect(run.scheduledAt).toBe(ms(T0));
    expect(await tick()).toMatchObject({ claimed: 1, lost: 0, dispatched: 0 });
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
});
