/**
 * Running occurrences in the CLI's own process, on the embedded store with `--jobs`: the local
 * dispatcher in front of the invoke core, as `dev` does, for one `run` or one `tick`.
 */
import { systemClock } from "../clock.js";
import { deliveryAttempt } from "../dispatch/envelope.js";
import {
  createLocalDispatcher,
  type LocalDelivery,
  type LocalDispatcher,
} from "../dispatch/local.js";
import type { Dispatcher } from "../dispatch/types.js";
import {
  createInvoker,
  INVOKE_OUTCOME,
  type InvokeOutcome,
  type InvokeResult,
} from "../invoke/invoker.js";
import { createConsoleLogger, formatRunLine } from "../local/output.js";
import type { Logger } from "../logger.js";
import type { RunRecord, ScheduleStore } from "../store/types.js";

/** Outcomes whose message comes back; the others are done with in this process. */
const RETRIED: ReadonlySet<InvokeOutcome> = new Set([
  INVOKE_OUTCOME.failedRetry,
  INVOKE_OUTCOME.busy,
]);

/**
 * The logger without the invoke core's `delivery …` lines: in a terminal, the run line says
 * the same. The jobs' own lines pass.
 */
function withoutDeliveryLines(logger: Logger): Logger {
  const keep =
    (write: (message: string, fields?: Record<string, unknown>) => void) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (!message.startsWith("delivery ")) write(message, fields);
    };
  return {
    debug: keep(logger.debug),
    info: keep(logger.info),
    warn: keep(logger.warn),
    error: keep(logger.error),
    child: (fields) => withoutDeliveryLines(logger.child(fields)),
  };
}

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
}): InProcessRunner {
  const { store } = options;
  const clock = systemClock;
  const logger = withoutDeliveryLines(
    createConsoleLogger({ write: options.log, now: () => clock.now() }),
  );
  const invoker = createInvoker({
    store,
    clock,
    logger,
    // The run line says that a run failed, and why; a second report would repeat it.
    errorPublisher: { publish: async () => {} },
  });
  const runs = new Map<string, RunRecord>();
  const consume = async (delivery: LocalDelivery): Promise<InvokeResult> => {
    const { envelope } = delivery;
    const result = await invoker.processEnvelope(envelope, {
      attempt: deliveryAttempt(envelope, delivery.receiveCount),
      changeVisibility: (seconds) => delivery.changeVisibility(seconds),
    });
    const line = formatRunLine(envelope, result, clock.now());
    if (line !== undefined) {
      options.runLine(line);
      if (result.run !== undefined) runs.set(result.runId, result.run);
    }
    // Redeliver only what will run again (a retry after its backoff, a run busy elsewhere); a run
    // that failed for good is FAILED in the store, and this short-lived queue has no dead letters.
    if (RETRIED.has(result.outcome)) throw result.error;
    return result;
  };
  const dispatcher = createLocalDispatcher({ consumer: consume, clock });
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

/**
 * A dispatcher that takes every run and sends it nowhere: the runs stay PENDING in the
 * embedded store, where `lambda-scheduler dev` (or a later `tick --jobs`) re-drives them.
 */
export const leavePendingDispatcher: Dispatcher = {
  async dispatch() {
    return { failed: [] };
  },
};
