/**
 * Reading a sharded index in order. An index partitioned into N shards is N sorted lists; a
 * page is their merge. Each shard is read lazily, only as far as the page needs, so the items
 * read stay within about N of the items returned, and the cursor keeps one position per shard.
 */
import { decodeCursor, encodeCursor } from "../cursor.js";
import type { Item, Key } from "./codec.js";

/** One shard's position in a cursor: 0 = exhausted, null = from the start, else resume after. */
type Position = 0 | null | Key;

/** Reads one shard, ascending, from `start` (exclusive), at most `limit` items. */
export type ShardReader = (
  shard: string,
  start: Key | undefined,
  limit: number,
) => Promise<{ readonly items: readonly Item[]; readonly last: Key | undefined }>;

export interface ShardedQuery {
  /** The shards to merge, e.g. "0".."N-1", or just one. */
  readonly shards: readonly string[];
  readonly limit: number;
  readonly cursor: string | undefined;
  readonly read: ShardReader;
  /** The value the index sorts on. */
  readonly order: (item: Item) => number;
  /** The `ExclusiveStartKey` that resumes right after `item`. */
  readonly keyOf: (item: Item) => Key;
}

interface ShardState {
  readonly shard: string;
  readonly from: Position;
  start: Key | undefined;
  more: boolean;
  readonly buffer: Item[];
}

function isPositions(shards: number) {
  return (value: unknown): value is Position[] =>
    Array.isArray(value) &&
    value.length === shards &&
    value.every((p) => p === 0 || p === null || (typeof p === "object" && !Array.isArray(p)));
}

/** One page of the merged shards: up to `limit` items in `order`, and a cursor if more match. */
export async function queryShards(
  query: ShardedQuery,
): Promise<{ items: Item[]; cursor?: string }> {
  const positions =
    query.cursor === undefined
      ? query.shards.map((): Position => null)
      : decodeCursor(query.cursor, isPositions(query.shards.length));
  const states: ShardState[] = positions.map((from, index) => ({
    shard: query.shards[index] as string,
    from,
    start: from === 0 || from === null ? undefined : from,
    more: from !== 0,
    buffer: [],
  }));
  // One item past the page tells whether there is a next page, so the last page has no cursor.
  const want = query.limit + 1;
  const fill = async (state: ShardState, limit: number): Promise<void> => {
    const { items, last } = await query.read(state.shard, state.start, limit);
    state.buffer.push(...items);
    state.start = last;
    state.more = last !== undefined;
  };

  await Promise.all(
    states.filter((s) => s.more).map((s) => fill(s, Math.ceil(want / query.shards.length) + 1)),
  );
  const merged: { item: Item; state: ShardState }[] = [];
  while (merged.length < want) {
    // A shard can give at most what the page still needs, so one refill of that size suffices.
    const empty = states.filter((s) => s.buffer.length === 0 && s.more);
    await Promise.all(empty.map((s) => fill(s, want - merged.length)));
    let next: ShardState | undefined;
    for (const state of states) {
      const head = state.buffer[0];
      if (head === undefined) continue;
      if (next === undefined || query.order(head) < query.order(next.buffer[0] as Item))
        next = state;
    }
    if (next === undefined) {
      if (states.some((s) => s.more)) continue;
      break;
    }
    merged.push({ item: next.buffer.shift() as Item, state: next });
  }

  const page = merged.slice(0, query.limit);
  if (merged.length <= query.limit) return { items: page.map((m) => m.item) };
  const extra = merged[query.limit];
  const cursor = states.map((state): Position => {
    const left = state.more || state.buffer.length > 0 || extra?.state === state;
    if (!left) return 0;
    const taken = page.filter((m) => m.state === state).at(-1);
    return taken === undefined ? state.from : query.keyOf(taken.item);
  });
  return { items: page.map((m) => m.item), cursor: encodeCursor(cursor) };
}
