/**
 * Local mode: the tick and invoke cores in one process over one store, with the in-process
 * dispatcher between them. It wakes when the next schedule is due rather than on a fixed
 * interval, and looks again at least every `maxSleepMs` for schedules added by other processes.
 */
import { type Clock, systemClock } from "../clock.js";
import { deliveryAttempt } from "../dispatch/envelope.js";
import { createLogErrorPublisher } from "../dispatch/errors-topic.js";
import {
  createLocalDispatcher,
  type LocalDelivery,
  type LocalDispatcher,
} from "../dispatch/local.js";
import { createInvoker, isAcknowledged } from "../invoke/invoker.js";
import type { LogLevel } from "../logger.js";
import type { JobLookup } from "../registry/types.js";
import type { ScheduleStore } from "../store/types.js";
import { runTick, type TickOptions, type TickSummary } from "../tick/tick.js";
import { redeliverInterrupted } from "./interrupted.js";
import { createConsoleLogger, formatRunLine } from "./output.js";

/** Options of {@link startLocalScheduler}. */
export interface LocalSchedulerOptions {
  /** Usually `createSqliteStore({ path })`. Not closed by `stop()`: its owner closes it. */
  readonly store: ScheduleStore;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** Default: the jobs registered with `defineJob` (load them first, see `loadJobs`). */
  readonly jobs?: JobLookup;
  /** Receives each output line (run lines, job logs, warnings). Default: standard output. */
  readonly write?: (line: string) => void;
  /** Default `info`. */
  readonly logLevel?: LogLevel;
  /** Longest sleep between two looks at the store. Default 1000 ms. */
  readonly maxSleepMs?: number;
  /** Tick options; local mode's defaults are listed in {@link LOCAL_TICK_DEFAULTS}. */
  readonly tick?: TickOptions;
  /** Called after every tick (for tests and progress displays). */
  readonly onTick?: (summary: TickSummary) => void;
}

/**
 * Tick defaults in local mode. No lookahead: the runner wakes on time, so precise schedules are
 * claimed when due like the rest. Runs stay PENDING until they start, because the in-process
 * queue dies with the process: on the next start they are re-driven.
 */
export const LOCAL_TICK_DEFAULTS = {
  lookaheadMs: 0,
  onTimeToleranceMs: 5_000,
  markDispatched: false,
  redriveGraceMs: 5_000,
} as const satisfies TickOptions;

/** A running local scheduler. */
export interface LocalScheduler {
  /** Stops ticking, lets runs in progress finish, and resolves when all is quiet. */
  stop(): Promise<void>;
  /** Resolves once stopped. */
  readonly stopped: Promise<void>;
  /** Ticks now instead of at the next due time (e.g. after adding a schedule in-process). */
  wake(): void;
  /** The in-process queue (its dead letters, its size). */
  readonly dispatcher: LocalDispatcher;
}

/**
 * Starts the local scheduler: re-delivers the runs a previous process left RETRYING or RUNNING,
 * ticks at once (re-driving every run it left PENDING), then whenever the next schedule is due, and runs each occurrence through the same
 * invoke core as the Lambda, printing one line per run. Missed occurrences while it was not
 * running are handled by each schedule's catch-up policy.
 *
 * @example
 * const store = createSqliteStore({ path: ".lambda-scheduler/dev.sqlite" });
 * await loadJobs("examples/index.ts");
 * const scheduler = startLocalScheduler({ store });
 * process.once("SIGINT", () => void scheduler.stop().then(() => store.close()));
 */
export function startLocalScheduler(options: LocalSchedulerOptions): LocalScheduler {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const maxSleepMs = options.maxSleepMs ?? 1_000;
  const logger = createConsoleLogger({ write, level: options.logLevel, now: () => clock.now() });
  const publisher = createLogErrorPublisher(logger);
  const invoker = createInvoker({
    store,
    clock,
    logger,
    errorPublisher: publisher,
    ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
  });

  const consume = async (delivery: LocalDelivery): Promise<void> => {
    const { envelope } = delivery;
    const result = await invoker.processEnvelope(envelope, {
      attempt: deliveryAttempt(envelope, delivery.receiveCount),
      changeVisibility: (seconds) => delivery.changeVisibility(seconds),
    });
    const line = formatRunLine(envelope, result, clock.now());
    if (line !== undefined) write(line);
    if (!isAcknowledged(result.outcome)) throw result.error;
  };
  const dispatcher = createLocalDispatcher({
    consumer: consume,
    clock,
    onDeadLetter: (letter) =>
      logger.error(
        `run ${letter.envelope.runId} moved to the dead letters after ${letter.receiveCount} deliveries`,
      ),
  });

  let stopping = false;
  let wakeUp: (() => void) | undefined;
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  /** How long until the next schedule is due, capped at maxSleepMs. */
  const untilNextDue = async (claimedAny: boolean): Promise<number> => {
    const now = clock.now().getTime();
    const { items } = await store.queryDue({ dueBefore: now + maxSleepMs, limit: 1 });
    const dueAt = items[0]?.dueAt;
    if (dueAt === undefined) return maxSleepMs;
    // Still due right after a tick: more catch-up to do, or one that cannot be claimed (which
    // the tick logged); only the first deserves an immediate return.
    if (dueAt <= now) return claimedAny ? 0 : maxSleepMs;
    return Math.min(maxSleepMs, dueAt - now);
  };

  const loop = async (): Promise<void> => {
    let first = true;
    try {
      const redelivered = await redeliverInterrupted(store, dispatcher);
      if (redelivered > 0)
        logger.info(`re-delivering ${redelivered} run(s) a previous process left in flight`);
    } catch (error) {
      logger.error("could not re-deliver the runs a previous process left in flight", { error });
    }
    while (!stopping) {
      let claimedAny = false;
      try {
        const summary = await runTick(
          { store, dispatcher, clock, reporter: publisher, logger },
          {
            ...LOCAL_TICK_DEFAULTS,
            // The first tick re-drives everything a previous process left PENDING.
            ...(first ? { redriveGraceMs: 0 } : {}),
            ...options.tick,
          },
        );
        claimedAny = summary.claimed > 0;
        options.onTick?.(summary);
      } catch (error) {
        logger.error("tick failed; trying again shortly", { error });
      }
      first = false;
      if (stopping) break;
      const delay = await untilNextDue(claimedAny).catch(() => maxSleepMs);
      if (!stopping) await sleep(delay);
    }
  };
  const stopped = loop().then(() => dispatcher.close());

  return {
    dispatcher,
    stopped,
    wake: () => wakeUp?.(),
    async stop() {
      stopping = true;
      wakeUp?.();
      await stopped;
    },
  };
}
