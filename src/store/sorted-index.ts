/**
 * An ordered set of keys, kept as a list of small sorted blocks: finding a key is two binary
 * searches, and inserting or removing one moves at most a block's worth of entries, so it stays
 * fast at 10⁵–10⁶ keys (one flat sorted array costs ~65 µs per random insert at 10⁵). Reads
 * start at a position without walking what comes before it. The memory store keeps its due
 * index, its runs' expiry order, and each schedule's run history, in it.
 */

/** Largest block; a block that grows past it is split in two. */
const BLOCK = 512;

export class SortedIndex<K> {
  readonly #blocks: K[][] = [];
  readonly #compare: (a: K, b: K) => number;

  constructor(compare: (a: K, b: K) => number) {
    this.#compare = compare;
  }

  /** First index in `keys` whose key is not less than `key` (greater, with `after`). */
  #bound(keys: readonly K[], key: K, after: boolean): number {
    let low = 0;
    let high = keys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const order = this.#compare(keys[mid] as K, key);
      if (order < 0 || (after && order === 0)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** The position of the first key not less than `key` (greater, with `after`). */
  #position(key: K, after: boolean): { block: number; index: number } {
    const blocks = this.#blocks;
    let low = 0;
    let high = blocks.length;
    // The first block whose last key would not come before the position.
    while (low < high) {
      const mid = (low + high) >>> 1;
      const block = blocks[mid] as K[];
      const order = this.#compare(block[block.length - 1] as K, key);
      if (order < 0 || (after && order === 0)) low = mid + 1;
      else high = mid;
    }
    const block = blocks[low];
    return { block: low, index: block === undefined ? 0 : this.#bound(block, key, after) };
  }

  insert(key: K): void {
    const blocks = this.#blocks;
    if (blocks.length === 0) {
      blocks.push([key]);
      return;
    }
    let { block, index } = this.#position(key, false);
    if (block === blocks.length) {
      // Past every key: append to the last block.
      block -= 1;
      index = (blocks[block] as K[]).length;
    }
    const keys = blocks[block] as K[];
    const found = keys[index];
    if (found !== undefined && this.#compare(found, key) === 0) return;
    keys.splice(index, 0, key);
    if (keys.length > BLOCK) blocks.splice(block + 1, 0, keys.splice(keys.length >>> 1));
  }

  remove(key: K): void {
    const { block, index } = this.#position(key, false);
    const keys = this.#blocks[block];
    const found = keys?.[index];
    if (keys === undefined || found === undefined || this.#compare(found, key) !== 0) return;
    keys.splice(index, 1);
    if (keys.length === 0) this.#blocks.splice(block, 1);
  }

  /** Keys in order, from the first one after `after` (from the start without it). */
  *from(after?: K): Generator<K> {
    const start = after === undefined ? { block: 0, index: 0 } : this.#position(after, true);
    let index = start.index;
    for (let block = start.block; block < this.#blocks.length; block += 1) {
      const keys = this.#blocks[block] as K[];
      for (; index < keys.length; index += 1) yield keys[index] as K;
      index = 0;
    }
  }

  /** Keys in reverse order, from the last one before `before` (from the end without it). */
  *downFrom(before?: K): Generator<K> {
    const blocks = this.#blocks;
    let block = blocks.length - 1;
    let index = (blocks[block]?.length ?? 0) - 1;
    if (before !== undefined) {
      const start = this.#position(before, false);
      block = start.block;
      index = start.index - 1;
      if (index < 0) {
        block -= 1;
        index = (blocks[block]?.length ?? 0) - 1;
      }
    }
    for (; block >= 0; block -= 1) {
      const keys = blocks[block] as K[];
      for (; index >= 0; index -= 1) yield keys[index] as K;
      index = (blocks[block - 1]?.length ?? 0) - 1;
    }
  }
}

/** Orders tuples of numbers and strings field by field. */
export function compareTuples(
  a: readonly (number | string)[],
  b: readonly (number | string)[],
): number {
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i] as number | string;
    const y = b[i] as number | string;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return a.length - b.length;
}
