/**
 * The Dispatcher contract, run against every transport (local, SNS, SQS): what the tick may
 * rely on whichever dispatcher it is given.
 */
import { describe, expect, it } from "vitest";
import type { Dispatcher, Envelope } from "../../src/dispatch/types.js";
import { DispatchError } from "../../src/errors.js";
import { envelope } from "../support/events.js";

/** A message as the consumer side saw it. */
export interface Received {
  readonly envelope: Envelope;
  /** The `job` message attribute. */
  readonly jobAttribute: string | undefined;
}

/** A dispatcher wired to whatever receives from it. */
export interface DispatcherHarness {
  readonly dispatcher: Dispatcher;
  /** Whether `delaySeconds` is honoured; if not, delayed dispatches must be reported failed. */
  readonly delays: boolean;
  /** Collects what arrives until `count` messages did or `waitMs` of harness time passed. */
  receive(count: number, waitMs?: number): Promise<Received[]>;
  /** Lets `ms` of transport time pass (real time on AWS, simulated locally). */
  elapse(ms: number): Promise<void>;
  /** Batch calls made to the service so far, when the harness can count them. */
  batchCalls?(): number;
  close(): Promise<void>;
}

let sequence = 0;
/** A distinct envelope per call, so runs never collide across tests sharing a queue. */
function fresh(overrides: Partial<Envelope> = {}): Envelope {
  sequence += 1;
  const at = new Date(Date.UTC(2026, 0, 5, 9, 0, 0) + sequence * 1000).toISOString();
  return envelope({
    scheduleId: `contract-${process.pid}-${sequence}`,
    scheduledAt: at,
    ...overrides,
  });
}

const byRunId = (items: readonly { readonly envelope: Envelope }[]) =>
  [...items].sort((a, b) => a.envelope.runId.localeCompare(b.envelope.runId));

export function dispatcherContract(name: string, setup: () => Promise<DispatcherHarness>): void {
  describe(`the ${name} dispatcher`, () => {
    const withHarness = (test: (harness: DispatcherHarness) => Promise<void>) => async () => {
      const harness = await setup();
      try {
        await test(harness);
      } finally {
        await harness.close();
      }
    };

    it(
      "delivers every dispatched envelope once, unchanged, with the job attribute",
      withHarness(async (harness) => {
        const sent = [
          fresh({ job: "hello", payload: { greeting: "hi", list: [1, 2] } }),
          fresh({ job: "report.daily", payload: null }),
          fresh({ job: "snap_shot-2", payload: "text", attempt: 2 }),
        ];
        expect(await harness.dispatcher.dispatch(sent.map((e) => ({ envelope: e })))).toEqual({
          failed: [],
        });
        const received = await harness.receive(3);
        expect(byRunId(received)).toEqual(
          byRunId(sent.map((e) => ({ envelope: e, jobAttribute: e.job }))),
        );
        expect(await harness.receive(1, 300)).toEqual([]);
      }),
    );

    it(
      "splits a batch of more than ten into calls of at most ten",
      withHarness(async (harness) => {
        const sent = Array.from({ length: 23 }, () => fresh());
        const before = harness.batchCalls?.();
        expect(await harness.dispatcher.dispatch(sent.map((e) => ({ envelope: e })))).toEqual({
          failed: [],
        });
        if (before !== undefined) expect((harness.batchCalls?.() ?? 0) - before).toBe(3);
        const received = await harness.receive(23);
        expect(new Set(received.map((r) => r.envelope.runId))).toEqual(
          new Set(sent.map((e) => e.runId)),
        );
        expect(received).toHaveLength(23);
      }),
    );

    it(
      "never delivers a delayed envelope before its delay",
      withHarness(async (harness) => {
        const late = fresh();
        const result = await harness.dispatcher.dispatch([{ envelope: late, delaySeconds: 2 }]);
        if (!harness.delays) {
          expect(result.failed.map((f) => f.runId)).toEqual([late.runId]);
          expect(result.failed[0]?.error.message).toMatch(/cannot delay/);
          expect(await harness.receive(1, 300)).toEqual([]);
          return;
        }
        expect(result).toEqual({ failed: [] });
        expect(await harness.receive(1, 1_000)).toEqual([]);
        await harness.elapse(1_500);
        expect((await harness.receive(1)).map((r) => r.envelope)).toEqual([late]);
      }),
    );

    it(
      "reports each refused entry and still delivers the others",
      withHarness(async (harness) => {
        const first = fresh();
        const huge = fresh({ payload: "x".repeat(300 * 1024) });
        const badDelay = fresh();
        const last = fresh();
        const { failed } = await harness.dispatcher.dispatch([
          { envelope: first },
          { envelope: huge },
          { envelope: badDelay, delaySeconds: 901 },
          { envelope: last },
        ]);
        expect(failed.map((f) => f.runId).sort()).toEqual([huge.runId, badDelay.runId].sort());
        for (const failure of failed) expect(failure.error).toBeInstanceOf(DispatchError);
        expect(failed.find((f) => f.runId === huge.runId)?.error.message).toMatch(
          /is \d+ bytes as a message for .*; the limit is 262144 bytes/,
        );
        const received = await harness.receive(2);
        expect(byRunId(received).map((r) => r.envelope)).toEqual(
          byRunId([{ envelope: first }, { envelope: last }]).map((r) => r.envelope),
        );
      }),
    );

    it(
      "accepts an empty dispatch",
      withHarness(async (harness) => {
        expect(await harness.dispatcher.dispatch([])).toEqual({ failed: [] });
      }),
    );
  });
}
