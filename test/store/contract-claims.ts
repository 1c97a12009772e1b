/**
 * The store contract, part 2: the tick's path. The due index and claims, including two ticks
 * racing for one occurrence.
 */
import { describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors.js";
import type { ScheduleChanges } from "../../src/store/types.js";
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

  describe("claim", () => {
    const advance: ScheduleChanges = {
      runCount: 1,
      lastScheduledAt: T0,
      nextRunAt: T0 + MINUTE,
      dueAt: T0 + MINUTE,
      updatedAt: T0 + SECOND,
    };

    it("advances the schedule and creates its runs in one step", async () => {
      const read = await subject.store.createSchedule(aSchedule("s1"));
      const runs = [aRun("s1", T0 - MINUTE, { status: "MISSED" }), aRun("s1", T0)];
      const result = await subject.store.claim({ schedule: read, changes: advance, runs });

      const expected = { ...read, ...advance, version: 2 };
      expect(result).toStrictEqual({ claimed: true, schedule: expected });
      expect(await subject.store.getSchedule("s1")).toStrictEqual(expected);
      expect(await subject.store.getRun("s1", T0 - MINUTE)).toStrictEqual(runs[0]);
      expect(await subject.store.getRun("s1", T0)).toStrictEqual(runs[1]);
      expect((await subject.store.queryDue({ dueBefore: T0 })).items).toEqual([]);
      const next = await subject.store.queryDue({ dueBefore: T0 + MINUTE });
      expect(next.items.map((s) => s.id)).toEqual(["s1"]);
    });

    it("lets exactly one of two claims made from the same read win", async () => {
      const ids = ["r1", "r2", "r3", "r4"];
      const reads = await Promise.all(ids.map((id) => subject.store.createSchedule(aSchedule(id))));
      const attempt = (tick: string) =>
        reads.map((read) =>
          subject.store.claim({
            schedule: read,
            changes: { ...advance, runCount: tick === "a" ? 1 : 2 },
            runs: [aRun(read.id, T0, { attempt: tick === "a" ? 1 : 2 })],
          }),
        );
      const results = await Promise.all([...attempt("a"), ...attempt("b")]);

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
        expect((await subject.store.getRun(read.id, T0))?.attempt).toBe(winner);
        expect((await subject.store.listRuns(read.id)).items).toHaveLength(1);
      }
    });

    it("refuses a claim made from a stale read and writes nothing", async () => {
      const read = await subject.store.createSchedule(aSchedule("s1"));
      await subject.store.updateSchedule("s1", { payload: "edited" });
      const result = await subject.store.claim({
        schedule: read,
        changes: advance,
        runs: [aRun("s1", T0)],
      });
      expect(result).toEqual({ claimed: false, reason: "schedule-changed" });
      expect(await subject.store.getSchedule("s1")).toMatchObject({
        version: 2,
        payload: "edited",
        runCount: 0,
      });
      expect(await subject.store.getRun("s1", T0)).toBeUndefined();
    });

    it("refuses a claim whose run exists already and writes nothing", async () => {
      const read = await subject.store.createSchedule(aSchedule("s1"));
      await subject.store.createRun(aRun("s1", T0, { manual: true }));
      const runs = [aRun("s1", T0 - MINUTE), aRun("s1", T0)];
      const result = await subject.store.claim({ schedule: read, changes: advance, runs });
      expect(result).toEqual({ claimed: false, reason: "run-exists" });
      expect(await subject.store.getSchedule("s1")).toStrictEqual(read);
      expect(await subject.store.getRun("s1", T0 - MINUTE)).toBeUndefined();
      expect((await subject.store.getRun("s1", T0))?.manual).toBe(true);
    });

    it("refuses a claim of a schedule deleted since it was read", async () => {
      const read = await subject.store.createSchedule(aSchedule("s1"));
      await subject.store.deleteSchedule("s1");
      const result = await subject.store.claim({
        schedule: read,
        changes: advance,
        runs: [aRun("s1", T0)],
      });
      expect(result).toEqual({ claimed: false, reason: "schedule-changed" });
      expect(await subject.store.getSchedule("s1")).toBeUndefined();
      expect(await subject.store.getRun("s1", T0)).toBeUndefined();
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
      const result = await subject.store.claim({ schedule: read, changes, runs: [aRun("s1", T0)] });
      expect(result.claimed).toBe(true);
      const after = await subject.store.getSchedule("s1");
      expect(after).not.toHaveProperty("nextRunAt");
      expect(after).not.toHaveProperty("dueAt");
      expect((await subject.store.queryDue({ dueBefore: T0 + 60 * MINUTE })).items).toEqual([]);
    });

    it("fails a claim with two runs at one time with StoreError, writing nothing", async () => {
      const read = await subject.store.createSchedule(aSchedule("s1"));
      const runs = [aRun("s1", T0), aRun("s1", T0, { attempt: 1 })];
      const claim = subject.store.claim({ schedule: read, changes: advance, runs });
      await expect(claim).rejects.toBeInstanceOf(StoreError);
      expect(await subject.store.getSchedule("s1")).toStrictEqual(read);
      expect(await subject.store.getRun("s1", T0)).toBeUndefined();
    });

    it("stores each run under the run id of its schedule and scheduled time", async () => {
      const read = await subject.store.createSchedule(aSchedule("s1"));
      await subject.store.claim({
        schedule: read,
        changes: advance,
        runs: [{ ...aRun("s1", T0), runId: "x" }],
      });
      expect((await subject.store.getRun("s1", T0))?.runId).toBe(runIdOf("s1", T0));
    });
  });
}
