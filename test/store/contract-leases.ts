/**
 * The store contract, part 4: the leases that keep two ticks off one shard, and the due index's
 * shard count.
 */
import { describe, expect, it } from "vitest";
import type { Subject } from "./contract.js";
import { MINUTE, SECOND, T0 } from "./fixtures.js";

/** One step on the lease `tick#0`: a take (with its expected answer) or a release. */
type Step =
  | {
      readonly take: string;
      readonly until: number;
      readonly now: number;
      readonly gets: boolean;
      readonly name?: string;
    }
  | { readonly release: string; readonly name?: string };

const NAME = "tick#0";

const cases: [string, Step[]][] = [
  [
    "gives a free lease to the first owner and refuses it to another",
    [
      { take: "a", until: T0 + MINUTE, now: T0, gets: true },
      { take: "b", until: T0 + MINUTE, now: T0 + SECOND, gets: false },
    ],
  ],
  [
    "renews a lease for the owner that holds it",
    [
      { take: "a", until: T0 + MINUTE, now: T0, gets: true },
      { take: "a", until: T0 + 2 * MINUTE, now: T0 + 30 * SECOND, gets: true },
      { take: "b", until: T0 + 3 * MINUTE, now: T0 + 90 * SECOND, gets: false },
    ],
  ],
  [
    "gives an expired lease to another owner, from the instant it expires",
    [
      { take: "a", until: T0 + MINUTE, now: T0, gets: true },
      { take: "b", until: T0 + 2 * MINUTE, now: T0 + MINUTE - 1, gets: false },
      { take: "b", until: T0 + 2 * MINUTE, now: T0 + MINUTE, gets: true },
      { take: "a", until: T0 + 3 * MINUTE, now: T0 + MINUTE, gets: false },
    ],
  ],
  [
    "frees a released lease at once",
    [
      { take: "a", until: T0 + MINUTE, now: T0, gets: true },
      { release: "a" },
      { take: "b", until: T0 + MINUTE, now: T0, gets: true },
    ],
  ],
  [
    "ignores the release of a lease by an owner that does not hold it",
    [
      { take: "a", until: T0 + MINUTE, now: T0, gets: true },
      { release: "b" },
      { release: "a", name: "tick#1" },
      { take: "b", until: T0 + MINUTE, now: T0, gets: false },
    ],
  ],
  [
    "ignores the release of a lease nobody holds",
    [{ release: "a" }, { take: "b", until: T0 + MINUTE, now: T0, gets: true }],
  ],
  [
    "keeps leases of different names apart",
    [
      { take: "a", until: T0 + MINUTE, now: T0, gets: true },
      { take: "b", until: T0 + MINUTE, now: T0, gets: true, name: "tick#1" },
      { release: "b", name: "tick#1" },
      { take: "b", until: T0 + MINUTE, now: T0, gets: false },
    ],
  ],
];

export function describeLeases(subject: Subject): void {
  describe("leases", () => {
    it.each(cases)("%s", async (_, steps) => {
      for (const step of steps) {
        const name = step.name ?? NAME;
        if ("release" in step) {
          await subject.store.releaseLease(name, step.release);
          continue;
        }
        const lease = { name, owner: step.take, until: step.until, now: step.now };
        expect({ step, got: await subject.store.acquireLease(lease) }).toEqual({
          step,
          got: step.gets,
        });
      }
    });

    it("gives a lease to exactly one of two owners taking it at once", async () => {
      const take = (owner: string) =>
        subject.store.acquireLease({ name: NAME, owner, until: T0 + MINUTE, now: T0 });
      const got = await Promise.all([take("a"), take("b")]);
      expect(got.filter(Boolean)).toHaveLength(1);
    });
  });

  describe("dueShards", () => {
    it("is a whole number of at least one, the same at every call", async () => {
      const shards = await subject.store.dueShards();
      expect(Number.isInteger(shards) && shards >= 1).toBe(true);
      expect(await subject.store.dueShards()).toBe(shards);
    });
  });
}
