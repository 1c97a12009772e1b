/**
 * The store contract, part 3: run records. Creating them, conditional transitions, starting
 * them (creating or taking over the record in one write), and a schedule's history newest first.
 */
import { describe, expect, it } from "vitest";
import { ConflictError } from "../../src/errors.js";
import type { ListRunsOptions, RunChanges, RunRecord, RunStatus } from "../../src/store/types.js";
import type { Subject } from "./contract.js";
import { aFullRun, allPages, aRun, aSchedule, MINUTE, SECOND, T0 } from "./fixtures.js";

interface StartCase {
  readonly name: string;
  /** The run stored before the start; none when undefined. */
  readonly stored?: Partial<RunRecord>;
  readonly staleRunningBefore?: number;
  /** Whether the start takes; when not, the ConflictError names the stored status. */
  readonly allowed: boolean;
}

/** What the invoke side expects to start from. */
const STARTABLE: readonly RunStatus[] = ["PENDING", "DISPATCHED", "RETRYING"];

const starts: StartCase[] = [
  { name: "creates the run when its occurrence has none", allowed: true },
  ...STARTABLE.map((status) => ({
    name: `starts a run that is ${status}`,
    stored: { status },
    allowed: true,
  })),
  {
    name: "takes over a RUNNING run that started before the stale mark",
    stored: { status: "RUNNING", startedAt: T0 },
    staleRunningBefore: T0 + 15 * MINUTE,
    allowed: true,
  },
  {
    name: "refuses a RUNNING run that started at the stale mark",
    stored: { status: "RUNNING", startedAt: T0 + 15 * MINUTE },
    staleRunningBefore: T0 + 15 * MINUTE,
    allowed: false,
  },
  {
    name: "refuses a RUNNING run when no stale mark is given",
    stored: { status: "RUNNING", startedAt: T0 },
    allowed: false,
  },
  ...(["SUCCEEDED", "FAILED", "MISSED", "EXPIRED", "SKIPPED", "CANCELLED"] as const).map(
    (status) => ({
      name: `refuses a run that is ${status}, even with a stale mark`,
      stored: { status, startedAt: T0, finishedAt: T0 + SECOND },
      staleRunningBefore: T0 + 15 * MINUTE,
      allowed: false,
    }),
  ),
];

interface TransitionCase {
  readonly name: string;
  readonly run: Partial<RunRecord>;
  readonly changes: RunChanges;
  readonly expect: readonly RunStatus[];
  readonly staleRunningBefore?: number;
  readonly allowed: boolean;
}

const transitions: TransitionCase[] = [
  {
    name: "moves a PENDING run to DISPATCHED when PENDING is expected",
    run: { status: "PENDING" },
    changes: { status: "DISPATCHED", dispatchedAt: T0 + SECOND },
    expect: ["PENDING"],
    allowed: true,
  },
  {
    name: "starts a run that is DISPATCHED or RETRYING",
    run: { status: "RETRYING" },
    changes: { status: "RUNNING", startedAt: T0 + SECOND, attempt: 2 },
    expect: ["PENDING", "DISPATCHED", "RETRYING"],
    allowed: true,
  },
  {
    name: "refuses to start a run that is RUNNING already",
    run: { status: "RUNNING", startedAt: T0 },
    changes: { status: "RUNNING", startedAt: T0 + SECOND },
    expect: ["PENDING", "DISPATCHED", "RETRYING"],
    allowed: false,
  },
  {
    name: "takes over a RUNNING run that started before the stale mark",
    run: { status: "RUNNING", startedAt: T0 },
    changes: { status: "RUNNING", startedAt: T0 + 20 * MINUTE, attempt: 2 },
    expect: ["DISPATCHED"],
    staleRunningBefore: T0 + 15 * MINUTE,
    allowed: true,
  },
  {
    name: "refuses to take over a RUNNING run that started at the stale mark",
    run: { status: "RUNNING", startedAt: T0 + 15 * MINUTE },
    changes: { status: "RUNNING", startedAt: T0 + 20 * MINUTE },
    expect: ["DISPATCHED"],
    staleRunningBefore: T0 + 15 * MINUTE,
    allowed: false,
  },
  {
    name: "never treats a finished run as stale",
    run: { status: "SUCCEEDED", startedAt: T0, finishedAt: T0 + SECOND },
    changes: { status: "RUNNING" },
    expect: ["DISPATCHED"],
    staleRunningBefore: T0 + 15 * MINUTE,
    allowed: false,
  },
  {
    name: "refuses any change when nothing is expected",
    run: { status: "PENDING" },
    changes: { status: "DISPATCHED" },
    expect: [],
    allowed: false,
  },
];

export function describeRuns(subject: Subject): void {
  describe("runs", () => {
    it("creates a run with every field and reads it back as it was", async () => {
      const run = aFullRun("s1", T0);
      expect(await subject.store.createRun(run)).toStrictEqual(run);
      expect(await subject.store.getRun("s1", T0)).toStrictEqual(run);
    });

    it("refuses to create a run that exists already", async () => {
      await subject.store.createRun(aRun("s1", T0));
      const again = subject.store.createRun(aRun("s1", T0, { manual: true }));
      await expect(again).rejects.toBeInstanceOf(ConflictError);
      expect(await subject.store.getRun("s1", T0)).not.toHaveProperty("manual");
    });

    it("creates a run without a payload and reads it back without one", async () => {
      const run = aRun("s1", T0, { payload: undefined });
      expect(await subject.store.createRun(run)).toStrictEqual(run);
      expect(await subject.store.getRun("s1", T0)).not.toHaveProperty("payload");
    });

    it("returns undefined for a run that does not exist", async () => {
      await subject.store.createRun(aRun("s1", T0));
      expect(await subject.store.getRun("s1", T0 + 1)).toBeUndefined();
      expect(await subject.store.getRun("s2", T0)).toBeUndefined();
    });

    it.each(transitions)("$name", async (c) => {
      const run = aRun("s1", T0, c.run);
      await subject.store.createRun(run);
      const condition = {
        expect: c.expect,
        ...(c.staleRunningBefore === undefined ? {} : { staleRunningBefore: c.staleRunningBefore }),
      };
      const update = subject.store.updateRun(
        "s1",
        T0,
        { ...c.changes, updatedAt: T0 + MINUTE },
        condition,
      );
      if (c.allowed) {
        const expected = { ...run, ...c.changes, updatedAt: T0 + MINUTE };
        expect(await update).toStrictEqual(expected);
        expect(await subject.store.getRun("s1", T0)).toStrictEqual(expected);
      } else {
        await expect(update).rejects.toBeInstanceOf(ConflictError);
        expect(await subject.store.getRun("s1", T0)).toStrictEqual(run);
      }
    });

    it("refuses to update a run that does not exist", async () => {
      const update = subject.store.updateRun(
        "s1",
        T0,
        { status: "RUNNING" },
        { expect: ["PENDING"] },
      );
      await expect(update).rejects.toBeInstanceOf(ConflictError);
      expect(await subject.store.getRun("s1", T0)).toBeUndefined();
    });

    it("removes the run fields an update sets to undefined", async () => {
      await subject.store.createRun(
        aRun("s1", T0, { status: "RUNNING", error: { name: "E", message: "m" } }),
      );
      const updated = await subject.store.updateRun(
        "s1",
        T0,
        { status: "SUCCEEDED", error: undefined, result: { ok: true } },
        { expect: ["RUNNING"] },
      );
      expect(updated).not.toHaveProperty("error");
      expect(await subject.store.getRun("s1", T0)).toStrictEqual(updated);
    });

    it("lets only one of two concurrent starts of a run win", async () => {
      await subject.store.createRun(aRun("s1", T0, { status: "DISPATCHED" }));
      const start = (attempt: number) =>
        subject.store.updateRun(
          "s1",
          T0,
          { status: "RUNNING", attempt },
          { expect: ["DISPATCHED"] },
        );
      const outcomes = await Promise.allSettled([start(1), start(2)]);
      const won = outcomes.filter((o) => o.status === "fulfilled");
      const lost = outcomes.filter((o) => o.status === "rejected");
      expect(won).toHaveLength(1);
      expect(lost.map((o) => (o.status === "rejected" ? o.reason : undefined))[0]).toBeInstanceOf(
        ConflictError,
      );
    });
  });

  describe("startRun", () => {
    /** What the invoke side writes when a delivery starts: no payload, no `manual`. */
    const start = aRun("s1", T0, {
      status: "RUNNING",
      attempt: 2,
      payload: undefined,
      precise: true,
      createdAt: T0 + 20 * MINUTE,
      updatedAt: T0 + 20 * MINUTE,
      startedAt: T0 + 20 * MINUTE,
    });

    it.each(starts)("$name", async (c) => {
      // A run-now record: it carries its payload, `manual` and when it was asked for.
      const stored =
        c.stored === undefined
          ? undefined
          : aRun("s1", T0, {
              manual: true,
              payload: { asked: "now" },
              dispatchedAt: T0 + SECOND,
              createdAt: T0 - MINUTE,
              ...c.stored,
            });
      if (stored !== undefined) await subject.store.createRun(stored);
      const started = subject.store.startRun(start, {
        expect: STARTABLE,
        ...(c.staleRunningBefore === undefined ? {} : { staleRunningBefore: c.staleRunningBefore }),
      });
      if (c.allowed) {
        const expected =
          stored === undefined
            ? start
            : {
                ...stored,
                ...start,
                createdAt: T0 - MINUTE,
                job: stored.job,
                manual: true,
                payload: { asked: "now" },
              };
        expect(await started).toStrictEqual(expected);
        expect(await subject.store.getRun("s1", T0)).toStrictEqual(expected);
      } else {
        await expect(started).rejects.toBeInstanceOf(ConflictError);
        await expect(started).rejects.toThrow(`is ${stored?.status}, not one of PENDING`);
        expect(await subject.store.getRun("s1", T0)).toStrictEqual(stored);
      }
    });

    it("ends a run unstarted by creating it with a final status", async () => {
      const expired = aRun("s1", T0, { status: "EXPIRED", payload: undefined, finishedAt: T0 });
      expect(await subject.store.startRun(expired, { expect: STARTABLE })).toStrictEqual(expired);
      expect(await subject.store.getRun("s1", T0)).toStrictEqual(expired);
    });

    it("keeps the stored payload and manual flag over those of the start", async () => {
      await subject.store.createRun(aRun("s1", T0, { manual: false, payload: [1] }));
      const started = await subject.store.startRun(
        { ...start, manual: true, payload: [2] },
        { expect: STARTABLE },
      );
      expect(started).toMatchObject({ manual: false, payload: [1], status: "RUNNING" });
    });

    it("keeps the stored job over the start's, so that a run-now runs the job it asked for", async () => {
      await subject.store.createRun(aRun("s1", T0, { job: "asked-for", manual: true }));
      const started = await subject.store.startRun(
        { ...start, job: "named-by-the-message" },
        { expect: STARTABLE },
      );
      expect(started).toMatchObject({ job: "asked-for", status: "RUNNING" });
    });

    it("keeps a failure event that is not yet reported across a start, until an update clears it", async () => {
      const unreported = { type: "run.failed", final: false, attempt: 1 };
      await subject.store.createRun(aRun("s1", T0, { status: "RETRYING", unreported }));
      const started = await subject.store.startRun(
        { ...start, owner: "delivery-2" },
        { expect: STARTABLE },
      );
      expect(started).toMatchObject({ status: "RUNNING", owner: "delivery-2", unreported });
      const cleared = await subject.store.updateRun(
        "s1",
        T0,
        { unreported: undefined },
        { expect: ["RUNNING"] },
      );
      expect(cleared).not.toHaveProperty("unreported");
      expect(await subject.store.getRun("s1", T0)).toStrictEqual(cleared);
    });

    it("lets only one of two concurrent starts of an occurrence without a run win", async () => {
      const outcomes = await Promise.allSettled([
        subject.store.startRun({ ...start, attempt: 1 }, { expect: STARTABLE }),
        subject.store.startRun({ ...start, attempt: 2 }, { expect: STARTABLE }),
      ]);
      const won = outcomes.filter((o) => o.status === "fulfilled");
      const lost = outcomes.filter((o) => o.status === "rejected");
      expect(won).toHaveLength(1);
      expect(lost[0]?.status === "rejected" ? lost[0].reason : undefined).toBeInstanceOf(
        ConflictError,
      );
      const winner = won[0]?.status === "fulfilled" ? won[0].value : undefined;
      expect(await subject.store.getRun("s1", T0)).toStrictEqual(winner);
    });
  });

  describe("listRuns", () => {
    const times = Array.from({ length: 9 }, (_, i) => T0 + i * MINUTE);
    const statusAt = (i: number): RunStatus => (i % 3 === 0 ? "FAILED" : "SUCCEEDED");
    const seed = async () => {
      await subject.store.createSchedule(aSchedule("s"));
      // Shuffled on purpose: order must come from scheduledAt, not from insertion.
      for (const i of [4, 0, 8, 2, 6, 1, 7, 3, 5]) {
        await subject.store.createRun(aRun("s", times[i] as number, { status: statusAt(i) }));
      }
      await subject.store.createRun(aRun("s-other", T0 + 30 * MINUTE));
      await subject.store.createRun(aRun("other", T0 + 30 * MINUTE));
    };
    const at = (indexes: number[]) => indexes.map((i) => times[i]);

    it.each<[string, ListRunsOptions, number[]]>([
      ["newest first, and only the schedule's own", {}, [8, 7, 6, 5, 4, 3, 2, 1, 0]],
      ["by status", { status: "FAILED" }, [6, 3, 0]],
      ["scheduled strictly before a time", { before: T0 + 4 * MINUTE }, [3, 2, 1, 0]],
      ["by status and before a time", { status: "FAILED", before: T0 + 6 * MINUTE }, [3, 0]],
      ["with a status nothing has", { status: "SKIPPED" }, []],
    ])("lists a schedule's runs %s", async (_, options, expected) => {
      await seed();
      const page = await subject.store.listRuns("s", options);
      expect(page.items.map((r) => r.scheduledAt)).toEqual(at(expected));
      expect(page.cursor).toBeUndefined();
    });

    it.each<[string, ListRunsOptions, number[]]>([
      ["without a filter", { limit: 4 }, [8, 7, 6, 5, 4, 3, 2, 1, 0]],
      ["by status", { limit: 2, status: "SUCCEEDED" }, [8, 7, 5, 4, 2, 1]],
      ["before a time", { limit: 2, before: T0 + 5 * MINUTE }, [4, 3, 2, 1, 0]],
      ["with a page as large as the result", { limit: 3, status: "FAILED" }, [6, 3, 0]],
    ])(
      "pages through runs %s, and only the last page lacks a cursor",
      async (_, options, expected) => {
        await seed();
        const { items, pages } = await allPages((cursor) =>
          subject.store.listRuns("s", { ...options, ...(cursor ? { cursor } : {}) }),
        );
        expect(items.map((r) => r.scheduledAt)).toEqual(at(expected));
        expect(pages).toBe(Math.max(1, Math.ceil(expected.length / (options.limit ?? 20))));
      },
    );

    it("lists no runs for a schedule that has none", async () => {
      expect(await subject.store.listRuns("nobody")).toEqual({ items: [] });
    });

    it("leaves runs past their expiry out of the listing", async () => {
      await subject.store.createRun(aRun("s", T0, { expiresAt: 1 }));
      await subject.store.createRun(aRun("s", T0 + SECOND));
      await subject.store.createRun(aRun("s", T0 + 2 * SECOND, { expiresAt: 253_402_300_799 }));
      const { items } = await subject.store.listRuns("s");
      expect(items.map((r) => r.scheduledAt)).toEqual([T0 + 2 * SECOND, T0 + SECOND]);
    });
  });
}
