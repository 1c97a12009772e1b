/**
 * A counting semaphore: at most `size` tasks at once. The tick acquires a slot before it starts a
 * claim, so reading the due index stops while every slot is busy (back-pressure) and a slow claim
 * holds one slot, never the others.
 */
export interface Pool {
  /** Resolves with a release function once a slot is free. */
  acquire(): Promise<() => void>;
  /** Starts `task` in a free slot and resolves once it has started, not finished. */
  start(task: () => Promise<void>): Promise<void>;
  /** Resolves once every started task has finished. */
  drain(): Promise<void>;
}

/** A pool of `size` slots (at least 1). */
export function createPool(size: number): Pool {
  const slots = Math.max(1, Math.floor(size));
  let active = 0;
  const waiting: (() => void)[] = [];
  const running = new Set<Promise<void>>();

  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) active -= 1;
    else next();
  };
  const acquire = async (): Promise<() => void> => {
    if (active < slots) active += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  };
  return {
    acquire,
    async start(task) {
      const done = await acquire();
      const run = task().finally(() => {
        done();
        running.delete(run);
      });
      running.add(run);
    },
    async drain() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
