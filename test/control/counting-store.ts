/**
 * A real memory store that counts what is asked of it, to show that a refusal writes nothing.
 */
import { createMemoryStore } from "../../src/store/memory.js";
import type { ScheduleStore } from "../../src/store/types.js";

/** Methods that only read. */
const READS: ReadonlySet<string> = new Set([
  "getSchedule",
  "listSchedules",
  "dueShards",
  "queryDue",
  "countDue",
  "getRun",
  "listRuns",
  "queryRuns",
]);

/** A memory store and the number of reads and writes made through it so far. */
export interface CountingStore {
  readonly store: ScheduleStore;
  readonly counts: { reads: number; writes: number };
}

/** Wraps a fresh memory store; every method that is not a read counts as a write. */
export function countingStore(): CountingStore {
  const inner = createMemoryStore();
  const counts = { reads: 0, writes: 0 };
  const store = new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function" || typeof key !== "string" || key === "close") return value;
      return (...args: unknown[]) => {
        if (READS.has(key)) counts.reads++;
        else counts.writes++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, counts };
}
