/**
 * Running occurrences in the CLI's own process, on the embedded store with `--jobs`: the local
 * dispatcher in front of the invoke core, as `dev` does, for one `run` or one `tick`.
 */
import { systemClock } from "../clock.js";
import {
  createLocalDispatcher,
  type LocalDispatcher,
  type LocalJournal,
} from "../dispatch/local.js";
import {
  consumeLocalDelivery,
  createInvoker,
  INVOKE_OUTCOME,
  type InvokeOutcome,
} from "../invoke/invoker.js";
import { createConsoleLogger, formatRunLine } from "../local/output.js";
import type { Logger } from "../logger.js";
import type { RunRecord, ScheduleStore } from "../store/types.js";

/** Outcomes whose message comes back; the others are done with in this process. */
const RETRIED: ReadonlySet<InvokeOutcome> = new Set([
  INVOKE_OUTCOME.failedRetry,
  INVOKE_OUTCOME.busy,
  INVOKE_OUTCOME.buffered,
]);

/** Runs executed in this process, and a way to wait for them. */
export interface InProcessRunner {
  readonly dispatcher: LocalDispatcher;
  /** Where the jobs' log lines go (standard error). */
  readonly logger: Logger;
  /** Each run as last written by a delivery that ran it, by run id. */
  readonly runs: ReadonlyMap<string, RunRecord>;
  /** Waits until every dispatched run has ended (retries with their backoff included), then stops. */
  finish(): Promise<void>;
}

/**
 * Creates the in-process runner. Run lines (`… hello 2026-… SUCCEEDED 3 ms`) go to `runLine`;
 * job logs to `log`. Both are for people; `runs` is for `--json`.
 *
 * @example
 * const runner = createInProcessRunner({ store, runLine: out.print, log: out.note });
 * await runTick({ store, dispatcher: runner.dispatcher, clock: systemClock });
 * await runner.finish();
 */
export function createInProcessRunner(options: {
  readonly store: ScheduleStore;
  readonly runLine: (line: string) => void;
  readonly log: (line: string) => void;
  /** The store file's journal: a run this process sends but does not finish is `dev`'s then. */
  readonly journal?: LocalJournal;
}): InProcessRunner {
  const { store } = options;
  const clock = systemClock;
  const logger = createConsoleLogger({ write: options.log, now: () => clock.now() });
  const invoker = createInvoker({
    store,
    clock,
    logger,
    // In a terminal the run line says how each delivery went.
    logDeliveries: false,
    // The run line says that a run failed, and why; a second report would repeat it.
    errorPublisher: { publish: async () => {} },
    // Sends a run waiting under overlap buffer-one when the run it waits for ends.
    dispatcher: { dispatch: (dispatches) => dispatcher.dispatch(dispatches) },
  });
  const runs = new Map<string, RunRecord>();
  const dispatcher = createLocalDispatcher({
    consumer: (delivery) =>
      consumeLocalDelivery(invoker, delivery, {
        onResult: (result) => {
          const line = formatRunLine(delivery.envelope, result, clock.now());
          if (line === undefined) return;
          options.runLine(line);
          if (result.run !== undefined) runs.set(result.runId, result.run);
        },
        // Redeliver only what will run again (a retry after its backoff, a run busy elsewhere); a
        // run that failed for good is FAILED in the store, and this short-lived queue has no
        // dead letters.
        redeliver: (outcome) => RETRIED.has(outcome),
      }),
    clock,
    ...(options.journal === undefined ? {} : { journal: options.journal }),
  });
  return {
    dispatcher,
    logger,
    runs,
    async finish() {
      await dispatcher.idle();
      await dispatcher.close();
    },
  };
}
