import { describe, expect, it } from "vitest";
import { createRoutingDispatcher } from "../../src/dispatch/routing.js";
import type { Dispatch, Dispatcher } from "../../src/dispatch/types.js";
import { DispatchError } from "../../src/errors.js";
import { envelope } from "../support/events.js";

function recording(failRunIds: string[] = []): Dispatcher & { readonly calls: Dispatch[][] } {
  const calls: Dispatch[][] = [];
  return {
    calls,
    async dispatch(dispatches) {
      calls.push([...dispatches]);
      return {
        failed: dispatches
          .filter((d) => failRunIds.includes(d.envelope.runId))
          .map((d) => ({ runId: d.envelope.runId, error: new DispatchError("refused") })),
      };
    },
  };
}

describe("the routing dispatcher", () => {
  it.each([
    [{}, false],
    [{ delaySeconds: 0 }, false],
    [{ delaySeconds: 5 }, true],
    [{ precise: true }, true],
    [{ precise: true, delaySeconds: 0 }, true],
    [{ precise: false, delaySeconds: 3 }, true],
  ])("routes a dispatch with %j to the precise side: %s", async (fields, toPrecise) => {
    const standard = recording();
    const precise = recording();
    await createRoutingDispatcher({ standard, precise }).dispatch([
      { envelope: envelope(), ...fields },
    ]);
    expect(precise.calls.flat().length === 1).toBe(toPrecise);
  });

  it("sends delayed and precise dispatches to SQS and the rest to SNS, and merges failures", async () => {
    const standard = recording([envelope({ scheduleId: "a" }).runId]);
    const precise = recording([envelope({ scheduleId: "c" }).runId]);
    const dispatcher = createRoutingDispatcher({ standard, precise });
    const a = { envelope: envelope({ scheduleId: "a" }) };
    const b = { envelope: envelope({ scheduleId: "b" }), delaySeconds: 0 };
    const c = { envelope: envelope({ scheduleId: "c" }), delaySeconds: 12 };
    const d = { envelope: envelope({ scheduleId: "d" }), precise: true };
    const { failed } = await dispatcher.dispatch([a, b, c, d]);
    expect(standard.calls).toEqual([[a, b]]);
    expect(precise.calls).toEqual([[c, d]]);
    expect(failed.map((f) => f.runId)).toEqual([a.envelope.runId, c.envelope.runId]);
  });

  it("does not call a side that has nothing to send", async () => {
    const standard = recording();
    const precise = recording();
    await createRoutingDispatcher({ standard, precise }).dispatch([{ envelope: envelope() }]);
    expect(precise.calls).toEqual([]);
  });
});
