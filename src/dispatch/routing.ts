/**
 * The routing dispatcher: the tick's one dispatcher in production. Occurrences that must start
 * on time go straight to the queue; the rest go through the topic.
 */
import type { Dispatch, Dispatcher, DispatchResult } from "./types.js";

/** Options of {@link createRoutingDispatcher}. */
export interface RoutingDispatcherOptions {
  /** Takes dispatches without a delay (SNS in production). */
  readonly standard: Dispatcher;
  /** Takes delayed and precise dispatches (SQS in production). */
  readonly precise: Dispatcher;
}

/** Whether a dispatch goes to the `precise` side: it is marked precise, or delayed. */
function isPreciseDispatch(dispatch: Dispatch): boolean {
  return dispatch.precise === true || (dispatch.delaySeconds ?? 0) > 0;
}

/**
 * Creates a dispatcher that sends a dispatch to `precise` when {@link isPreciseDispatch} holds,
 * else to `standard`, both at once, and reports the failures of both. Throws when either side
 * throws (a failure of the whole call, e.g. configuration).
 *
 * @example
 * ```ts
 * const dispatcher = createRoutingDispatcher({
 *   standard: createSnsDispatcher({ topicArn }),
 *   precise: createSqsDispatcher({ queueUrl }),
 * });
 * ```
 */
export function createRoutingDispatcher(options: RoutingDispatcherOptions): Dispatcher {
  const { standard, precise } = options;
  return {
    async dispatch(dispatches: readonly Dispatch[]): Promise<DispatchResult> {
      const toPrecise = dispatches.filter(isPreciseDispatch);
      const toStandard = dispatches.filter((dispatch) => !isPreciseDispatch(dispatch));
      const results = await Promise.all([
        toStandard.length > 0 ? standard.dispatch(toStandard) : { failed: [] },
        toPrecise.length > 0 ? precise.dispatch(toPrecise) : { failed: [] },
      ]);
      return { failed: results.flatMap((result) => result.failed) };
    },
  };
}
