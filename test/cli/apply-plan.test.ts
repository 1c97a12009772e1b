/**
 * The apply core, driven without a process: the plan is made from reads alone, and a store
 * failure midway stops there and says which steps were applied before it.
 */
import { describe, expect, it } from "vitest";
import { planApply, runApply } from "../../src/cli/apply-plan.js";
import { manualClock } from "../../src/clock.js";
import { StoreError } from "../../src/errors.js";
import { createMemoryStore } from "../../src/store/memory.js";
import type { ScheduleStore } from "../../src/store/types.js";
import { countingStore } from "../control/counting-store.js";

const NOW = "2026-01-05T10:00:00.250Z";
const line = (id: string, expression = "rate(1 hour)") =>
  JSON.stringify({ id, job: "report", expression });

describe("planning an apply", () => {
  it("reads only, whatever the plan", async () => {
    const { store, counts } = countingStore();
    const deps = { store, clock: manualClock(NOW) };
    const first = await planApply([line("kept"), line("changed"), line("gone")], deps, {
      prune: false,
    });
    if (!first.ok) throw new Error("the first plan was refused");
    await runApply(first.steps, deps);
    const writes = counts.writes;
    const plan = await planApply(
      [line("kept"), line("changed", "rate(2 hours)"), line("new")],
      deps,
      {
        prune: true,
      },
    );
    expect(counts.writes).toBe(writes);
    expect(plan.ok && plan.steps.map((step) => [step.action, step.id])).toEqual([
      ["remove", "gone"],
      ["change", "changed"],
      ["add", "new"],
    ]);
    expect(plan.ok && plan.unchanged).toEqual(["kept"]);
  });
});

describe("applying a plan", () => {
  it("stops at a store failure and reports exactly the steps applied before it", async () => {
    const inner = createMemoryStore();
    let creates = 0;
    // The memory store cannot fail on its own: this wrapper makes its second create fail.
    const store = new Proxy(inner, {
      get(target, key, receiver) {
        if (key === "createSchedule") {
          return async (...args: Parameters<ScheduleStore["createSchedule"]>) => {
            creates += 1;
            if (creates === 2) throw new StoreError("the table is throttled");
            return target.createSchedule(...args);
          };
        }
        return Reflect.get(target, key, receiver);
      },
    }) as ScheduleStore;
    const deps = { store, clock: manualClock(NOW) };
    const plan = await planApply([line("a"), line("b"), line("c")], deps, { prune: false });
    if (!plan.ok) throw new Error("the plan was refused");
    const outcome = await runApply(plan.steps, deps);
    expect(outcome.applied).toEqual([{ action: "add", id: "a" }]);
    expect(outcome.failed).toMatchObject({ action: "add", id: "b" });
    expect(outcome.failed?.error.message).toBe("the table is throttled");
    expect(await inner.getSchedule("c")).toBeUndefined();
  });
});
