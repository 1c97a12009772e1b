/**
 * Fakes for tick tests: a dispatcher that records what it is given (and can be told to fail),
 * a publisher that records failure events, and a store wrapper that yields between calls so
 * concurrent ticks interleave as they would over a network.
 */

import type { ErrorPublisher, FailureEvent } from "../../src/dispatch/errors-topic.js";
import type { Dispatch, Dispatcher, DispatchResult } from "../../src/dispatch/types.js";
import type { ScheduleStore } from "../../src/store/types.js";

/** A dispatcher that records every accepted dispatch. */
export interface RecordingDispatcher extends Dispatcher {
  readonly accepted: Dispatch[];
  /** The next `n` calls throw, as a crashed or unreachable transport would. */
  throwNext(n?: number): void;
  /** These run ids are refused (reported in `failed`). */
  refuse(runIds: readonly string[]): void;
}

export function recordingDispatcher(): RecordingDispatcher {
  const accepted: Dispatch[] = [];
  let throwing = 0;
  let refused = new Set<string>();
  return {
    accepted,
    throwNext(n = 1) {
      throwing = n;
    },
    refuse(runIds) {
      refused = new Set(runIds);
    },
    async dispatch(dispatches): Promise<DispatchResult> {
      await new Promise((resolve) => setImmediate(resolve));
      if (throwing > 0) {
        throwing -= 1;
        throw new Error("transport unreachable");
      }
      const failed = dispatches
        .filter((d) => refused.has(d.envelope.runId))
        .map((d) => ({ runId: d.envelope.runId, error: new Error("refused") }));
      accepted.push(...dispatches.filter((d) => !refused.has(d.envelope.runId)));
      return { failed };
    },
  };
}

/** A publisher that keeps every event. */
export function recordingPublisher(): ErrorPublisher & { readonly events: FailureEvent[] } {
  const events: FailureEvent[] = [];
  return {
    events,
    async publish(event) {
      events.push(event);
    },
  };
}

/** Wraps a store so that every call yields to the event loop first. */
export function interleaving(store: ScheduleStore): ScheduleStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        await new Promise((resolve) => setImmediate(resolve));
        return value.apply(target, args);
      };
    },
  });
}

/** How many times each run id was dispatched. */
export function dispatchCounts(dispatches: readonly Dispatch[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of dispatches) counts.set(d.envelope.runId, (counts.get(d.envelope.runId) ?? 0) + 1);
  return counts;
}
