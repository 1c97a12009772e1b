import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareTuples, SortedIndex } from "../../src/store/sorted-index.js";

type Key = readonly [number, string];
const key = fc.tuple(
  fc.integer({ min: 0, max: 60 }),
  fc.constantFrom("a", "b", "c"),
) as fc.Arbitrary<Key>;
const operation = fc.oneof(fc.record({ insert: key }), fc.record({ remove: key }));

/** The index's reads, against a plain sorted array of the same keys. */
function check(index: SortedIndex<Key>, model: Key[], probe: Key): void {
  expect([...index.from()]).toEqual(model);
  expect([...index.from(probe)]).toEqual(model.filter((k) => compareTuples(k, probe) > 0));
  expect([...index.downFrom()]).toEqual([...model].reverse());
  expect([...index.downFrom(probe)]).toEqual(
    model.filter((k) => compareTuples(k, probe) < 0).reverse(),
  );
}

describe("the sorted index of the memory store", () => {
  it("reads like a sorted array of its keys after any inserts and removals", () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 400 }), key, (operations, probe) => {
        const index = new SortedIndex<Key>(compareTuples);
        let model: Key[] = [];
        for (const op of operations) {
          if ("insert" in op) {
            index.insert(op.insert);
            if (!model.some((k) => compareTuples(k, op.insert) === 0)) model.push(op.insert);
          } else {
            index.remove(op.remove);
            model = model.filter((k) => compareTuples(k, op.remove) !== 0);
          }
        }
        model.sort(compareTuples);
        check(index, model, probe);
      }),
    );
  });

  it("stays in order across thousands of keys, as blocks split and empty", () => {
    const index = new SortedIndex<Key>(compareTuples);
    const keys: Key[] = Array.from({ length: 5_000 }, (_, i) => [(i * 7919) % 5_000, "k"] as const);
    for (const k of keys) index.insert(k);
    // Every third key, and every key below 1500 (whole blocks).
    const removed = (k: Key, i: number) => i % 3 === 0 || k[0] < 1_500;
    for (const [i, k] of keys.entries()) if (removed(k, i)) index.remove(k);
    const model = keys.filter((k, i) => !removed(k, i)).sort(compareTuples);
    for (const probe of [
      [0, "k"],
      [1_499, "z"],
      [2_500, "k"],
      [4_999, "k"],
      [9_999, "k"],
    ] as Key[]) {
      check(index, model, probe);
    }
  });
});
