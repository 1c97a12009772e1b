/**
 * The store contract, part 2: the tick's path. The due index (whole or by shard), counting it,
 * and claims, including two ticks racing for one occurrence and a claim interrupted between its
 * records and its schedule.
 */
import { describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors.js";
import type { ScheduleChanges, ScheduleRecord } from "../../src/store/types.js";
import { runIdOf } from "../../src/store/types.js";
import type { Subject } from "./contract.js";
import { allPages, aRun, aSchedule, createAll, MINUTE, SECOND, T0 } from "./fixtures.js";

export function describeClaims(subject: Subject): void {
  describe("queryDue", () => {
    it("returns only ENABLED schedules due at or before the time, ascending by dueAt", async () => {
      await createAll(subject.store, [
        aSchedule("later", { dueAt: T0 + SECOND }),
        aSchedule("exactly-now", { dueAt: T0 }),
        aSchedule("jittered", { nextRunAt: T0 - 2 * MINUTE, dueAt: T0 - MINUTE }),
        aSchedule("long-overdue", { nextRunAt: T0 - 60 * MINUTE, dueAt: T0 - 60 * MINUTE }),
        aSchedule("paused", { state: "PAUSED", dueAt: T0 - 5 * MINUTE }),
        aSchedule("completed", { state: "COMPLETED", dueAt: T0 - 5 * MINUTE }),
        aSchedule("expired", { state: "EXPIRED", dueAt: T0 - 5 * MINUTE }),
        aSchedule("never-due", { nextRunAt: undefined, dueAt: undefined }),
      ]);
      const page = await subject.store.queryDue({ dueBefore: T0 });
      expect(page.items.map((s) => s.id)).toEqual(["long-overdue", "jittered", "exactly-now"]);
      expect(page.cursor).toBeUndefined();
    });

    it("pages through the due schedules in dueAt order, each once", async () => {
      // Ties and a spread of ids, so that an index split in shards must merge them in order.
      const records = Array.from({ length: 23 }, (_, i) =>
        aSchedule(`due-${i}`, { dueAt: T0 - ((i * 7) % 10) * SECOND }),
      );
      await createAll(subject.store, [...records, aSchedule("future", { dueAt: T0 + SECOND })]);
      const { items, pages } = await allPages((cursor) =>
        subject.store.queryDue({ dueBefore: T0, limit: 5, ...(cursor ? { cursor } : {}) }),
      );
      const dueAts = items.map((s) => s.dueAt ?? Number.NaN);
      expect(dueAts).toEqual([...dueAts].sort((a, b) => a - b));
      expect(items.map((s) => s.id).sort()).toEqual(records.map((s) => s.id).sort());
      expect(pages).toBe(5);
    });

    it("takes a schedule off the due index when paused and puts it back when enabled", async () => {
      await subject.store.createSchedule(aSchedule("s1"));
      await subject.store.updateSchedule("s1", { state: "PAUSED" });
      expect((await subject.store.queryDue({ dueBefore: T0 })).items).toEqual([]);
      await subject.store.updateSchedule("s1", { state: "ENABLED" });
      expect((await subject.store.queryDue({ dueBefore: T0 })).items.map((s) => s.id)).toEqual([
        "s1",
      ]);
    });

    it("returns each due schedule from exactly one shard, and all of them across the shards", async () => {
      const records = Array.from({ length: 24 }, (_, i) => aSchedule(`spread-${i}`));
      await createAll(subject.store, [...records, aSchedule("future", { dueAt: T0 + SECOND })]);
      const shards = await subject.store.dueShards();
      expect(shards).toBeGreaterThanOrEqual(1);
      const perShard: string[][] = [];
      for (let shard = 0; shard < shards; shard += 1) {
        const { items } = await allPages((cursor) =>
          subject.store.queryDue({ dueBefore: T0, shard, limit: 5, ...(cursor ? { cursor } : {}) }),
        );
        perShard.push(items.map((s) => s.id));
      }
      const all = perShard.flat();
      expect(all.sort()).toEqual(records.map((s) => s.id).sort());
      expect(new Set(all).size).toBe(all.length);
    });

    it("returns nothing for a shard past the last", async () => {
      await subject.store.createSchedule(aSchedule("s1"));
      const shards = await subject.store.dueShards();
      expect(await subject.store.queryDue({ dueBefore: T0, shard: shards })).toEqual({ items: [] });
      expect(await subject.store.countDue({ dueBefore: T0, shard: shards, max: 10 })).toBe(0);
    });

    it("moves a schedule along the due index when its dueAt changes", async () => {
      await createAll(subject.store, [
        aSchedule("a", { dueAt: T0 - 2 }),
        aSchedule("b", { dueAt: T0 - 1 }),
      ]);
      await subject.store.updateSchedule("a", { dueAt: T0 });
      const ids = (await subject.store.queryDue({ dueBefore: T0 })).items.map((s) => s.id);
      expect(ids).toEqual(["b", "a"]);
      await subject.store.updateSchedule("b", { dueAt: undefined });
      const left = (await subject.store.queryDue({ dueBefore: T0 })).items.map((s) => s.id);
      expect(left).toEqual(["a"]);
    });
  });

  describe("countDue", () => {
    const seed = () =>
      createAll(subject.store, [
        ...Array.from({ length: 7 }, (_, i) => aSchedule(`due-${i}`, { dueAt: T0 - i * SECOND })),
        aSchedule("later", { dueAt: T0 + SECOND }),
        aSchedule("paused", { state: "PAUSED", dueAt: T0 - MINUTE }),
      ]);

    it.each([
      ["well above", 100, 7],
      ["just above", 8, 7],
      ["equal to", 7, 7],
      ["below", 3, 3],
      ["zero as", 0, 0],
    ])(
      "counts the due schedules exactly up to max, with max %s the count",
      async (_, max, count) => {
        await seed();
        expect(await subject.store.countDue({ dueBefore: T0, max })).toBe(count);
      },
    );

    it("counts each due schedule in exactly one shard", async () => {
      await seed();
      const shards = await subject.store.dueShards();
      let total = 0;
      for (let shard = 0; shard < shards; shard += 1) {
        total += await subject.store.countDue({ dueBefore: T0, shard, max: 100 });
      }
      expect(total).toBe(7);
    });
  });

  describe("claim", () => {
    const advance: ScheduleChanges = {
      runCount: 1,
      lastScheduledAt: T0,
      nextRunAt: T0 + MINUTE,
      dueAt: T0 + MINUTE,
      updatedAt: T0 + SECOND,
    };
    const missed = (id: string, at: number, overrides = {}) =>
      aRun(id, at, { status: "MISSED", payload: undefined, ...overrides });
    const claimOf = (read: ScheduleRecord, records = [missed(read.id, T0 - MINUTE)]) =>
      subject.store.claim({ schedule: read, changes: advance, records });

    it("creates its final records and advances the schedule", async () => {
      const read = await subject.store.createSchedule(aSchedule("s1"));
      const records = [
        missed("s1", T0 - 2 * MINUTE),
        aRun("s1", T0 - MINUTE, { status: "EXPIRED" }),
      ];
      const result = await claimOf(read, records);

      const expected = { ...read, ...advance, version: 2 };
      expect(result).toStrictEqual({ claimed: true, schedule: expected });
      expect(await subject.store.getSchedule("s1")).toStrictEqual(expected);
      expect(await subject.store.getRun("s1", T0 - 2 * MINUTE)).toStrictEqual(records[0]);
      expect(await subject.store.getRun("s1", T0 - MINUTE)).toStrictEqual(records[1]);
      expect((await subject.store.queryDue({ dueBefore: T0 })).items).toEqual([]);
      const next = await subject.store.queryDue({ dueBefore: T0 + MINUTE });
      expect(next.items.map((s) => s.id)).toEqual(["s1"]);
    });

    it("keeps a run that exists already as it is, and still advances the schedule", async () => {
      const read = await subject.store.createSchedule(aSchedule("s1"));
      const manual = aRun("s1", T0 - MINUTE, { status: "DISPATCHED", manual: true });
      await subject.store.createRun(manual);
      const result = await claimOf(read, [
        missed("s1", T0 - MINUTE),
        missed("s1", T0 - 2 * MINUTE),
      ]);
      expect(result.claimed).toBe(true);
      expect(await subject.store.getRun("s1", T0 - MINUTE)).toStrictEqual(manual);
      expect(await subject.store.getRun("s1", T0 - 2 * MINUTE)).toStrictEqual(
        missed("s1", T0 - 2 * MINUTE),
      );
    });

    it("completes a claim interrupted after its records: the next claim keeps them", async () => {
      // What a crash between the two writes leaves: the records, and the schedule still due.
      const read = await subject.store.createSchedule(aSchedule("s1"));
      const first = missed("s1", T0 - MINUTE, { updatedAt: T0 });
      await subject.store.createRun(first);
      const retried = await claimOf(read, [missed("s1", T0 - MINUTE, { updatedAt: T0 + SECOND })]);
      expect(retried.claimed).toBe(true);
      expect(await subject.store.getRun("s1", T0 - MINUTE)).toStrictEqual(first);
      expect((await subject.store.listRuns("s1")).items).toHaveLength(1);
    });

    it("refuses a claim made from a stale read, and still writes its records", async () => {
      const read = await subject.store.createSchedule(aSchedule("s1"));
      await subject.store.updateSchedule("s1", { payload: "edited" });
      const result = await claimOf(read);
      expect(result).toEqual({ claimed: false, reason: "schedule-changed" });
      expect(await subject.store.getSchedule("s1")).toMatchObject({
        version: 2,
        payload: "edited",
        runCount: 0,
      });
      expect(await subject.store.getRun("s1", T0 - MINUTE)).toStrictEqual(
        missed("s1", T0 - MINUTE),
      );
    });

    it("refuses a claim of a schedule deleted since it was read, and does not recreate it", async () => {
      const read = await subject.store.createSchedule(aSchedule("s1"));
      await subject.store.deleteSchedule("s1");
      const result = await claimOf(read);
      expect(result).toEqual({ claimed: false, reason: "schedule-changed" });
      expect(await subject.store.getSchedule("s1")).toBeUndefined();
      expect((await subject.store.queryDue({ dueBefore: T0 + MINUTE })).items).toEqual([]);
    });

    it("lets exactly one of two claims made from the same read advance the schedule", async () => {
      const ids = ["r1", "r2", "r3", "r4"];
      const reads = await Promise.all(ids.map((id) => subject.store.createSchedule(aSchedule(id))));
      const attempt = (tick: 1 | 2) =>
        reads.map((read) =>
          subject.store.claim({
            schedule: read,
            changes: { ...advance, runCount: tick },
            records: [missed(read.id, T0 - MINUTE, { attempt: tick })],
          }),
        );
      const results = await Promise.all([...attempt(1), ...attempt(2)]);

      for (const [index, read] of reads.entries()) {
        const pair = [results[index], results[index + reads.length]];
        expect(pair.filter((r) => r?.claimed)).toHaveLength(1);
        expect(pair.find((r) => !r?.claimed)).toEqual({
          claimed: false,
          reason: "schedule-changed",
        });
        const winner = pair[0]?.claimed ? 1 : 2;
        expect(await subject.store.getSchedule(read.id)).toMatchObject({
          version: 2,
          runCount: winner,
        });
        // Whichever record came first stays; the other claim kept it.
        expect([1, 2]).toContain((await subject.store.getRun(read.id, T0 - MINUTE))?.attempt);
        expect((await subject.store.listRuns(read.id)).items).toHaveLength(1);
      }
    });

    it.each<[string, ScheduleChanges]>([
      [
        "sets nextRunAt and dueAt to undefined",
        { state: "COMPLETED", nextRunAt: undefined, dueAt: undefined },
      ],
      ["leaves nextRunAt and dueAt out", { state: "COMPLETED" }],
      ["leaves nextRunAt and dueAt out, staying ENABLED", { runCount: 1 }],
    ])("takes the schedule off the due index when a claim %s", async (_, changes) => {
      const read = await subject.store.createSchedule(aSchedule("s1"));
      const result = await subject.store.claim({ schedule: read, changes, records: [] });
      expect(result.claimed).toBe(true);
      const after = await subject.store.getSchedule("s1");
      expect(after).not.toHaveProperty("nextRunAt");
      expect(after).not.toHaveProperty("dueAt");
      expect((await subject.store.queryDue({ dueBefore: T0 + 60 * MINUTE })).items).toEqual([]);
    });

    it("fails a claim with two records of one occurrence with StoreError, writing nothing", async () => {
      const read = await subject.store.createSchedule(aSchedule("s1"));
      const records = [missed("s1", T0), missed("s1", T0, { attempt: 1 })];
      const claim = claimOf(read, records);
      await expect(claim).rejects.toBeInstanceOf(StoreError);
      expect(await subject.store.getSchedule("s1")).toStrictEqual(read);
      expect(await subject.store.getRun("s1", T0)).toBeUndefined();
    });

    it("stores each record under the run id of its schedule and scheduled time", async () => {
      const read = await subject.store.createSchedule(aSchedule("s1"));
      await claimOf(read, [{ ...missed("s1", T0), runId: "x" }]);
      expect((await subject.store.getRun("s1", T0))?.runId).toBe(runIdOf("s1", T0));
    });
  });
}
