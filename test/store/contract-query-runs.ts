/**
 * The store contract, part 5: runs across schedules (`queryRuns`), read from the sparse runs
 * index: only statuses a person acts on are on it, newest first, filtered, paged, and a run
 * enters and leaves the index as its status changes.
 */
import { describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors.js";
import type { QueryRunsOptions, RunStatus } from "../../src/store/types.js";
import type { Subject } from "./contract.js";
import { allPages, aRun, MINUTE, SECOND, T0 } from "./fixtures.js";

/** One run per row: schedule, minutes after T0, status, job. */
const RUNS: readonly (readonly [string, number, RunStatus, string])[] = [
  ["a", 0, "FAILED", "hello"],
  ["b", 1, "SUCCEEDED", "hello"],
  ["c", 2, "RETRYING", "report"],
  ["a", 3, "RUNNING", "hello"],
  ["b", 4, "MISSED", "hello"],
  ["c", 5, "FAILED", "report"],
  ["a", 6, "CANCELLED", "hello"],
  ["b", 7, "PENDING", "report"],
  ["c", 8, "SUCCEEDED", "report"],
  ["a", 9, "FAILED", "hello"],
  ["b", 10, "EXPIRED", "hello"],
  ["c", 11, "SKIPPED", "report"],
  ["a", 12, "DISPATCHED", "hello"],
];

/** The minutes of the runs that match, newest first. */
function expected(match: (row: (typeof RUNS)[number]) => boolean): number[] {
  return RUNS.filter(match)
    .map(([, minute]) => minute)
    .sort((x, y) => y - x);
}

const offIndex = (status: RunStatus) => status === "RUNNING" || status === "SUCCEEDED";

export function describeQueryRuns(subject: Subject): void {
  describe("queryRuns", () => {
    const seed = async () => {
      // Shuffled on purpose: the order must come from scheduledAt, not from insertion.
      for (const i of [5, 0, 12, 3, 9, 1, 7, 11, 2, 10, 4, 8, 6]) {
        const [id, minute, status, job] = RUNS[i] as (typeof RUNS)[number];
        await subject.store.createRun(aRun(id, T0 + minute * MINUTE, { status, job }));
      }
    };
    const minutes = (page: { items: readonly { scheduledAt: number }[] }) =>
      page.items.map((run) => (run.scheduledAt - T0) / MINUTE);

    it.each<[string, QueryRunsOptions, number[]]>([
      [
        "of every indexed status, newest first, leaving RUNNING and SUCCEEDED out",
        {},
        expected(([, , status]) => !offIndex(status)),
      ],
      ["in one status", { status: "FAILED" }, [9, 5, 0]],
      ["in CANCELLED", { status: "CANCELLED" }, [6]],
      ["of one job", { job: "report" }, [11, 7, 5, 2]],
      ["in one status of one job", { status: "FAILED", job: "hello" }, [9, 0]],
      ["scheduled at or after a time", { since: T0 + 9 * MINUTE }, [12, 11, 10, 9]],
      ["in a status nothing has", { status: "PENDING", job: "nobody" }, []],
    ])("lists runs across schedules %s", async (_, options, want) => {
      await seed();
      const page = await subject.store.queryRuns(options);
      expect(minutes(page)).toEqual(want);
      expect(page.cursor).toBeUndefined();
    });

    it.each<[string, QueryRunsOptions]>([
      ["of every indexed status", { limit: 3 }],
      ["in one status", { limit: 2, status: "FAILED" }],
      ["of one job", { limit: 2, job: "hello" }],
      ["with a page as large as the result", { limit: 3, status: "FAILED" }],
    ])(
      "pages through runs %s, each once, and only the last page lacks a cursor",
      async (_, options) => {
        await seed();
        const whole = await subject.store.queryRuns({ ...options, limit: 100 });
        const { items, pages } = await allPages((cursor) =>
          subject.store.queryRuns({ ...options, ...(cursor ? { cursor } : {}) }),
        );
        expect(minutes({ items })).toEqual(minutes(whole));
        expect(pages).toBe(Math.max(1, Math.ceil(whole.items.length / (options.limit ?? 20))));
      },
    );

    it.each<RunStatus>(["RUNNING", "SUCCEEDED"])(
      "refuses status %s, which is off the index, and says to read it per schedule",
      async (status) => {
        const read = subject.store.queryRuns({ status });
        await expect(read).rejects.toBeInstanceOf(StoreError);
        await expect(read).rejects.toThrow(`history <schedule-id> --status ${status}`);
      },
    );

    it("moves a run on and off the index as updates change its status", async () => {
      await subject.store.createRun(aRun("a", T0, { status: "DISPATCHED" }));
      const listed = async () => minutes(await subject.store.queryRuns({}));
      expect(await listed()).toEqual([0]);
      await subject.store.updateRun("a", T0, { status: "RUNNING" }, { expect: ["DISPATCHED"] });
      expect(await listed()).toEqual([]);
      await subject.store.updateRun("a", T0, { status: "RETRYING" }, { expect: ["RUNNING"] });
      expect(minutes(await subject.store.queryRuns({ status: "RETRYING" }))).toEqual([0]);
      await subject.store.updateRun("a", T0, { status: "SUCCEEDED" }, { expect: ["RETRYING"] });
      expect(await listed()).toEqual([]);
    });

    it("moves a run off the index when it is started, and on when it is ended unstarted", async () => {
      const condition = { expect: ["PENDING", "DISPATCHED", "RETRYING"] as RunStatus[] };
      await subject.store.createRun(aRun("a", T0, { status: "RETRYING" }));
      await subject.store.startRun(aRun("a", T0, { status: "RUNNING", startedAt: T0 }), condition);
      expect(await subject.store.queryRuns({})).toEqual({ items: [] });
      const skipped = aRun("b", T0 + MINUTE, { status: "SKIPPED", finishedAt: T0 + MINUTE });
      await subject.store.startRun(skipped, condition);
      expect(minutes(await subject.store.queryRuns({ status: "SKIPPED" }))).toEqual([1]);
    });

    it("leaves runs past their expiry out", async () => {
      await subject.store.createRun(aRun("a", T0, { status: "FAILED", expiresAt: 1 }));
      await subject.store.createRun(aRun("b", T0 + SECOND, { status: "FAILED" }));
      const far = 253_402_300_799;
      await subject.store.createRun(
        aRun("c", T0 + 2 * SECOND, { status: "FAILED", expiresAt: far }),
      );
      const { items } = await subject.store.queryRuns({ status: "FAILED" });
      expect(items.map((run) => run.scheduleId)).toEqual(["c", "b"]);
    });

    it("returns runs as getRun does", async () => {
      const run = aRun("a", T0, {
        status: "FAILED",
        attempt: 3,
        error: { name: "E", message: "m" },
      });
      await subject.store.createRun(run);
      expect((await subject.store.queryRuns({})).items).toStrictEqual([
        await subject.store.getRun("a", T0),
      ]);
    });
  });
}
