/**
 * The tick's dispatch batcher. Claims run concurrently and each sends its own runs; sends made
 * in the same turn of the event loop go out together, in batches of the transports' size (10),
 * each batch a call of its own so that one slow call holds back only its batch.
 */
import { MAX_BATCH_ENTRIES } from "../dispatch/batch.js";
import type { Dispatch, Dispatcher } from "../dispatch/types.js";
import { DispatchError } from "../errors.js";

/** Sends one dispatch; resolves with the transport's error, or undefined once it accepted it. */
export type Send = (dispatch: Dispatch) => Promise<Error | undefined>;

interface Waiting {
  readonly dispatch: Dispatch;
  readonly done: (error: Error | undefined) => void;
}

/** A {@link Send} over `dispatcher` that batches what is sent in one turn of the event loop. */
export function createBatchSender(dispatcher: Dispatcher): Send {
  let queue: Waiting[] = [];

  const sendBatch = async (batch: readonly Waiting[]): Promise<void> => {
    try {
      const result = await dispatcher.dispatch(batch.map((w) => w.dispatch));
      const failed = new Map(result.failed.map((f) => [f.runId, f.error]));
      for (const w of batch) w.done(failed.get(w.dispatch.envelope.runId));
    } catch (error) {
      const cause = error instanceof Error ? error : new DispatchError(String(error));
      for (const w of batch) w.done(cause);
    }
  };
  const flush = (): void => {
    const taken = queue;
    queue = [];
    for (let i = 0; i < taken.length; i += MAX_BATCH_ENTRIES) {
      void sendBatch(taken.slice(i, i + MAX_BATCH_ENTRIES));
    }
  };

  return (dispatch) =>
    new Promise((resolve) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ dispatch, done: resolve });
    });
}
