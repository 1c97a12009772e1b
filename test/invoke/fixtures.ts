/**
 * Fixtures of the invoke tests: a memory store seeded with a schedule and its run, a publisher
 * and a visibility recorder that keep what they are given, and an invoker over them.
 */
import { type Clock, manualClock } from "../../src/clock.js";
import type { FailureEvent } from "../../src/dispatch/errors-topic.js";
import type { Envelope } from "../../src/dispatch/types.js";
import { createInvoker, type InvokerOptions } from "../../src/invoke/invoker.js";
import { silentLogger } from "../../src/logger.js";
import type { Overlap } from "../../src/registry/types.js";
import { createMemoryStore } from "../../src/store/memory.js";
import {
  RUN_STATUS,
  type RunRecord,
  type RunStatus,
  type ScheduleStore,
} from "../../src/store/types.js";

/** Adds the schedule of `envelope` (unless it exists) to `store`. */
export async function seedSchedule(
  store: ScheduleStore,
  envelope: Envelope,
  options: { overlap?: Overlap } = {},
): Promise<void> {
  if ((await store.getSchedule(envelope.scheduleId)) !== undefined) return;
  await store.createSchedule({
    id: envelope.scheduleId,
    job: envelope.job,
    expression: "rate(1 minute)",
    timezone: "UTC",
    payload: envelope.payload,
    state: "ENABLED",
    firstRun: "immediate",
    catchUp: "latest",
    precise: false,
    runCount: 1,
    createdAt: Date.parse("2026-01-01T00:00:00Z"),
    ...(options.overlap === undefined ? {} : { overlap: options.overlap }),
  });
}

/** Adds the schedule and the run of `envelope`, in `status` (default DISPATCHED). */
export async function seedRun(
  store: ScheduleStore,
  envelope: Envelope,
  options: { status?: RunStatus; startedAt?: number; overlap?: Overlap } = {},
): Promise<RunRecord> {
  await seedSchedule(store, envelope, options);
  const scheduledAt = Date.parse(envelope.scheduledAt);
  return store.createRun({
    runId: envelope.runId,
    scheduleId: envelope.scheduleId,
    job: envelope.job,
    scheduledAt,
    dueAt: scheduledAt,
    status: options.status ?? RUN_STATUS.DISPATCHED,
    attempt: options.status === RUN_STATUS.RUNNING ? 1 : 0,
    payload: envelope.payload,
    createdAt: scheduledAt,
    updatedAt: scheduledAt,
    ...(options.startedAt === undefined ? {} : { startedAt: options.startedAt }),
  });
}

/**
 * A store, a publisher that keeps events and a recorder of visibility changes. The store runs on
 * `clock` (by default early January 2026, when the tests' runs happen), so that it drops runs by
 * their retention on the tests' time, not the machine's.
 */
export function harness(clock: Clock = manualClock("2026-01-05T09:00:00Z")) {
  const store = createMemoryStore({ clock });
  const events: FailureEvent[] = [];
  const visibility: number[] = [];
  return {
    store,
    events,
    visibility,
    publisher: { publish: async (event: FailureEvent) => void events.push(event) },
    changeVisibility: (seconds: number) => void visibility.push(seconds),
    logger: silentLogger,
  };
}

/** A {@link harness}, a manual clock at `start` and an invoker using them (and `options`). */
export function invokerHarness(start: Date | string, options: Partial<InvokerOptions> = {}) {
  const clock = manualClock(start);
  const h = harness(clock);
  const invoker = createInvoker({
    store: h.store,
    clock,
    errorPublisher: h.publisher,
    logger: h.logger,
    ...options,
  });
  return { ...h, clock, invoker };
}

/** The run of `envelope` as stored. */
export async function runOf(
  store: ScheduleStore,
  envelope: Envelope,
): Promise<RunRecord | undefined> {
  return store.getRun(envelope.scheduleId, Date.parse(envelope.scheduledAt));
}
