/**
 * Time driven by hand for the local dispatcher: a manual clock and timers that fire only when
 * the test advances time, in order, letting the deliveries they start settle in between.
 */
import { type ManualClock, manualClock } from "../../src/clock.js";
import type { Timers } from "../../src/dispatch/local.js";

export interface ManualTime {
  readonly clock: ManualClock;
  readonly timers: Timers;
  /** Moves time forward by `ms`, firing due timers in order and settling what they start. */
  advance(ms: number): Promise<void>;
  /** Timers not yet fired. */
  pending(): number;
}

/** Lets promise chains started by a timer run to completion (as far as they do not wait on time). */
export async function settle(): Promise<void> {
  for (let round = 0; round < 20; round++) await new Promise((resolve) => setImmediate(resolve));
}

export function manualTime(start = "2026-01-05T09:00:00Z"): ManualTime {
  const clock = manualClock(start);
  let nextId = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    clock,
    timers: {
      setTimeout(callback, ms) {
        nextId += 1;
        timers.set(nextId, { at: clock.now().getTime() + Math.max(0, ms), callback });
        return nextId;
      },
      clearTimeout(handle) {
        timers.delete(handle as number);
      },
    },
    async advance(ms) {
      const target = clock.now().getTime() + ms;
      await settle();
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, timer]) => timer.at <= target)
          .sort(([a, x], [b, y]) => x.at - y.at || a - b)[0];
        if (due === undefined) break;
        const [id, timer] = due;
        timers.delete(id);
        clock.set(new Date(timer.at));
        timer.callback();
        await settle();
      }
      clock.set(new Date(target));
    },
    pending: () => timers.size,
  };
}
