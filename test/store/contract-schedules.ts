/**
 * The store contract, part 1: creating, reading, updating, deleting and listing schedules, and
 * what payloads survive a round trip.
 */
import { describe, expect, it } from "vitest";
import {
  ConflictError,
  ScheduleExistsError,
  ScheduleNotFoundError,
  StoreError,
} from "../../src/errors.js";
import type { JsonValue } from "../../src/json.js";
import type { ListSchedulesOptions } from "../../src/store/types.js";
import type { Subject } from "./contract.js";
import {
  aFullSchedule,
  allPages,
  aRun,
  aSchedule,
  createAll,
  largePayload,
  MINUTE,
  stored,
  T0,
} from "./fixtures.js";

export function describeSchedules(subject: Subject): void {
  describe("schedules", () => {
    it.each([
      [
        "only the required fields",
        aSchedule("minimal", { nextRunAt: undefined, dueAt: undefined }),
      ],
      ["every optional field", aFullSchedule("full")],
      ["a JSON null payload", aSchedule("null-payload", { payload: null })],
    ])("creates a schedule with %s at version 1 and reads it back as it was", async (_, record) => {
      const created = await subject.store.createSchedule(record);
      expect(created).toStrictEqual(stored(record));
      expect(await subject.store.getSchedule(record.id)).toStrictEqual(stored(record));
    });

    it("returns undefined for a schedule that does not exist", async () => {
      expect(await subject.store.getSchedule("nope")).toBeUndefined();
    });

    it("refuses a second schedule with the same id and keeps the first", async () => {
      await subject.store.createSchedule(aSchedule("s1"));
      const second = subject.store.createSchedule(aSchedule("s1", { job: "other" }));
      await expect(second).rejects.toBeInstanceOf(ScheduleExistsError);
      await expect(second).rejects.toMatchObject({ scheduleId: "s1" });
      expect((await subject.store.getSchedule("s1"))?.job).toBe("hello");
    });

    it("applies an update, increments the version and sets updatedAt", async () => {
      await subject.store.createSchedule(aSchedule("s1"));
      const updated = await subject.store.updateSchedule(
        "s1",
        { state: "PAUSED", payload: [1, 2] },
        { now: T0 + MINUTE },
      );
      const expected = { ...stored(aSchedule("s1")), state: "PAUSED", payload: [1, 2] };
      expect(updated).toStrictEqual({ ...expected, version: 2, updatedAt: T0 + MINUTE });
      expect(await subject.store.getSchedule("s1")).toStrictEqual(updated);
    });

    it("removes the fields an update sets to undefined", async () => {
      await subject.store.createSchedule(aFullSchedule("s1"));
      const updated = await subject.store.updateSchedule("s1", {
        maxRuns: undefined,
        jitterMs: undefined,
      });
      expect(updated).not.toHaveProperty("maxRuns");
      expect(updated).not.toHaveProperty("jitterMs");
      expect(await subject.store.getSchedule("s1")).toStrictEqual(updated);
    });

    it("applies an update whose expected version is current", async () => {
      await subject.store.createSchedule(aSchedule("s1"));
      await subject.store.updateSchedule("s1", { job: "b" }, { expectedVersion: 1 });
      const updated = await subject.store.updateSchedule(
        "s1",
        { job: "c" },
        { expectedVersion: 2 },
      );
      expect(updated).toMatchObject({ job: "c", version: 3 });
    });

    it("refuses an update whose expected version is stale, and changes nothing", async () => {
      await subject.store.createSchedule(aSchedule("s1"));
      await subject.store.updateSchedule("s1", { job: "b" });
      const stale = subject.store.updateSchedule("s1", { job: "c" }, { expectedVersion: 1 });
      await expect(stale).rejects.toBeInstanceOf(ConflictError);
      expect(await subject.store.getSchedule("s1")).toMatchObject({ job: "b", version: 2 });
    });

    it("throws ScheduleNotFoundError when updating a schedule that does not exist", async () => {
      const update = subject.store.updateSchedule("nope", { job: "b" });
      await expect(update).rejects.toBeInstanceOf(ScheduleNotFoundError);
      await expect(update).rejects.toMatchObject({ scheduleId: "nope" });
    });

    it("deletes a schedule together with its runs, and leaves other schedules alone", async () => {
      await createAll(subject.store, [aSchedule("s1"), aSchedule("s1-b")]);
      for (let i = 0; i < 30; i += 1) await subject.store.createRun(aRun("s1", T0 + i * MINUTE));
      await subject.store.createRun(aRun("s1-b", T0));

      expect(await subject.store.deleteSchedule("s1")).toBe(true);

      expect(await subject.store.getSchedule("s1")).toBeUndefined();
      expect(await subject.store.getRun("s1", T0)).toBeUndefined();
      expect((await subject.store.listRuns("s1")).items).toEqual([]);
      const due = await subject.store.queryDue({ dueBefore: T0 });
      expect(due.items.map((s) => s.id)).toEqual(["s1-b"]);
      expect(await subject.store.getRun("s1-b", T0)).toBeDefined();
    });

    it("returns false when deleting a schedule that does not exist", async () => {
      expect(await subject.store.deleteSchedule("nope")).toBe(false);
    });

    it("never lets a caller change a stored record by mutating one it was given", async () => {
      const record = aSchedule("s1", { payload: { list: [1] } });
      const created = await subject.store.createSchedule(record);
      (created.payload as { list: number[] }).list.push(2);
      (record.payload as { list: number[] }).list.push(3);
      const read = await subject.store.getSchedule("s1");
      if (read === undefined) throw new Error("schedule s1 was not stored");
      (read.payload as { list: number[] }).list.push(4);
      expect((await subject.store.getSchedule("s1"))?.payload).toEqual({ list: [1] });
    });
  });

  describe("listSchedules", () => {
    const records = [
      aSchedule("s1", { job: "a", nextRunAt: T0 + 3 * MINUTE }),
      aSchedule("s2", { job: "b", nextRunAt: T0 + 1 * MINUTE }),
      aSchedule("s3", { job: "a", state: "PAUSED", nextRunAt: undefined, dueAt: undefined }),
      aSchedule("s4", { job: "a", state: "COMPLETED", nextRunAt: undefined, dueAt: undefined }),
      aSchedule("s5", { job: "b", nextRunAt: T0 + 2 * MINUTE }),
      aSchedule("s6", { job: "a", nextRunAt: T0 + 1 * MINUTE }),
      aSchedule("s7", { job: "a", state: "PAUSED", nextRunAt: T0 }),
    ];

    it("lists schedules by next run, ties by id, those without a next run last", async () => {
      await createAll(subject.store, records);
      const page = await subject.store.listSchedules();
      expect(page.items.map((s) => s.id)).toEqual(["s7", "s2", "s6", "s5", "s1", "s3", "s4"]);
      expect(page.cursor).toBeUndefined();
    });

    it.each<[string, ListSchedulesOptions, string[]]>([
      ["a job", { job: "a" }, ["s7", "s6", "s1", "s3", "s4"]],
      ["a state", { state: "PAUSED" }, ["s7", "s3"]],
      ["a next run at or before a time", { dueBefore: T0 + 2 * MINUTE }, ["s7", "s2", "s6", "s5"]],
      ["a job and a state", { job: "a", state: "ENABLED" }, ["s6", "s1"]],
      ["a state and a next run", { state: "ENABLED", dueBefore: T0 + MINUTE }, ["s2", "s6"]],
      ["a job nothing runs", { job: "none" }, []],
    ])("filters schedules by %s", async (_, options, ids) => {
      await createAll(subject.store, records);
      const page = await subject.store.listSchedules(options);
      expect(page.items.map((s) => s.id)).toEqual(ids);
    });

    it.each<[string, ListSchedulesOptions]>([
      ["without a filter", {}],
      ["filtered by state", { state: "ENABLED" }],
      ["filtered by job", { job: "a" }],
    ])("pages through schedules %s, and only the last page lacks a cursor", async (_, options) => {
      const many = Array.from({ length: 11 }, (_, i) =>
        aSchedule(`p${String(i).padStart(2, "0")}`, {
          job: i % 2 === 0 ? "a" : "b",
          nextRunAt: T0 + (i % 4) * MINUTE,
        }),
      );
      await createAll(subject.store, many);
      const whole = await subject.store.listSchedules({ ...options, limit: 100 });
      const paged = await allPages((cursor) =>
        subject.store.listSchedules({ ...options, limit: 3, ...(cursor ? { cursor } : {}) }),
      );
      expect(paged.items.map((s) => s.id)).toEqual(whole.items.map((s) => s.id));
      expect(paged.pages).toBe(Math.ceil(whole.items.length / 3));
    });

    it("refuses a cursor it did not make", async () => {
      const listing = subject.store.listSchedules({ cursor: "not-a-cursor" });
      await expect(listing).rejects.toBeInstanceOf(StoreError);
    });
  });

  describe("payloads", () => {
    it("round-trips a 200 KiB payload in a schedule and in its run", async () => {
      const payload = largePayload(200 * 1024);
      expect(JSON.stringify(payload).length).toBeGreaterThanOrEqual(200 * 1024);
      await subject.store.createSchedule(aSchedule("big", { payload }));
      await subject.store.createRun(aRun("big", T0, { payload }));
      expect((await subject.store.getSchedule("big"))?.payload).toEqual(payload);
      expect((await subject.store.getRun("big", T0))?.payload).toEqual(payload);
      const due = await subject.store.queryDue({ dueBefore: T0 });
      expect(due.items[0]?.payload).toEqual(payload);
    });

    it.each<[string, JsonValue]>([
      ["null", null],
      ["false", false],
      ["zero", 0],
      ["a negative fraction", -1.5],
      ["a large number", 1e21],
      ["an empty string", ""],
      ["unicode and control characters", "ünïcødé ✓ 🚀 \u0000 \n"],
      ["an empty array", []],
      ["an empty object", {}],
      ["deep nesting", { a: [{ b: [{ c: [{ d: [{ e: [{ f: { g: [null] } }] }] }] }] }] }],
    ])("round-trips %s as a payload exactly", async (_, payload) => {
      await subject.store.createSchedule(aSchedule("p", { payload }));
      await subject.store.createRun(aRun("p", T0, { payload, result: payload }));
      expect((await subject.store.getSchedule("p"))?.payload).toStrictEqual(payload);
      const run = await subject.store.getRun("p", T0);
      expect(run?.payload).toStrictEqual(payload);
      expect(run?.result).toStrictEqual(payload);
    });
  });
}
