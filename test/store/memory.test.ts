import { describe, expect, it } from "vitest";
import { manualClock } from "../../src/clock.js";
import { createMemoryStore, DEFAULT_MAX_RUNS_PER_SCHEDULE } from "../../src/store/memory.js";
import { describeStoreContract } from "./contract.js";
import { aRun, MINUTE, SECOND, T0 } from "./fixtures.js";

describeStoreContract("memory", async () => {
  const store = createMemoryStore({ clock: manualClock(new Date(T0)) });
  return { store, cleanup: () => store.close() };
});

describe("the memory store's run history", () => {
  const at = (i: number) => T0 + i * MINUTE;
  const listed = async (store: ReturnType<typeof createMemoryStore>, id: string) =>
    (await store.listRuns(id, { limit: 10_000 })).items.map((r) => (r.scheduledAt - T0) / MINUTE);

  it("keeps only the newest maxRunsPerSchedule runs of each schedule", async () => {
    const store = createMemoryStore({ clock: manualClock(new Date(T0)), maxRunsPerSchedule: 3 });
    for (const i of [4, 0, 2, 1, 3]) await store.createRun(aRun("s1", at(i)));
    await store.createRun(aRun("s2", at(0)));
    expect(await listed(store, "s1")).toEqual([4, 3, 2]);
    expect(await listed(store, "s2")).toEqual([0]);
    expect(await store.getRun("s1", at(1))).toBeUndefined();
  });

  it(`keeps ${DEFAULT_MAX_RUNS_PER_SCHEDULE} runs per schedule by default`, async () => {
    const store = createMemoryStore({ clock: manualClock(new Date(T0)) });
    for (let i = 0; i < DEFAULT_MAX_RUNS_PER_SCHEDULE + 5; i += 1) {
      await store.createRun(aRun("s1", at(i)));
    }
    const kept = await listed(store, "s1");
    expect(kept).toHaveLength(DEFAULT_MAX_RUNS_PER_SCHEDULE);
    expect(kept.at(-1)).toBe(5);
  });

  it.each([
    ["before", -SECOND, true],
    ["at", 0, false],
    ["after", SECOND, false],
  ])(
    "drops a run on the next run write %s its expiresAt, on any schedule",
    async (_, offset, kept) => {
      const clock = manualClock(new Date(T0));
      const store = createMemoryStore({ clock });
      const expiresAt = T0 / 1_000 + 3_600;
      await store.createRun(aRun("s1", at(0), { expiresAt }));
      await store.createRun(aRun("s1", at(1)));
      clock.set(new Date(expiresAt * 1_000 + offset));
      await store.createRun(aRun("s2", at(0)));
      expect((await store.getRun("s1", at(0))) !== undefined).toBe(kept);
      // A run without expiresAt is kept however late it is.
      expect(await store.getRun("s1", at(1))).toBeDefined();
    },
  );

  it("keeps a run whose expiresAt an update moved later", async () => {
    const clock = manualClock(new Date(T0));
    const store = createMemoryStore({ clock });
    await store.createRun(aRun("s1", at(0), { expiresAt: T0 / 1_000 + 1 }));
    await store.updateRun("s1", at(0), { expiresAt: T0 / 1_000 + 60 }, { expect: ["PENDING"] });
    clock.advance(2 * SECOND);
    await store.createRun(aRun("s2", at(0)));
    expect(await store.getRun("s1", at(0))).toMatchObject({ expiresAt: T0 / 1_000 + 60 });
  });
});
