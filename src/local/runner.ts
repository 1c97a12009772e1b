/**
 * Local mode: the tick and invoke cores in one process over one store, with the in-process
 * dispatcher between them. It wakes when the next schedule is due rather than on a fixed
 * interval, and looks again at least every `maxSleepMs` for schedules added by other processes.
 */
import { type Clock, systemClock } from "../clock.js";
import { createLogErrorPublisher } from "../dispatch/errors-topic.js";
import {
  createLocalDispatcher,
  LOCAL_MAX_RECEIVE_COUNT,
  type LocalDeadLetter,
  type LocalDispatcher,
  type LocalJournal,
} from "../dispatch/local.js";
import {
  addRunResult,
  addTickFigures,
  type RunFigures,
  type TickFigures,
  tickFigures,
} from "../figures.js";
import { consumeLocalDelivery, createInvoker } from "../invoke/invoker.js";
import type { Logger, LogLevel } from "../logger.js";
import type { JobLookup } from "../registry/types.js";
import type { ScheduleStore } from "../store/types.js";
import { runTick, type TickOptions, type TickSummary } from "../tick/tick.js";
import {
  createConsoleLogger,
  formatRunLine,
  formatSummaryLine,
  type LineFormat,
} from "./output.js";

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
  /** `json` makes each line one JSON object (see `formatRunLine`). Default `text`. */
  readonly format?: LineFormat;
  /** Default `info`. */
  readonly logLevel?: LogLevel;
  /** Longest sleep between two looks at the store. Default 1000 ms. */
  readonly maxSleepMs?: number;
  /** Tick options; local mode's defaults are listed in {@link LOCAL_TICK_DEFAULTS}. */
  readonly tick?: TickOptions;
  /** Called after every tick (for tests and progress displays). */
  readonly onTick?: (summary: TickSummary) => void;
  /**
   * Keeps the in-process queue's messages, so that runs sent but not yet done survive a stop:
   * `openSqliteJournal(path)` on the store's file (as `dev` does). Loaded at start, and looked at
   * again at every wake for runs that `run` or `tick` in another process handed over. Default:
   * none; what is in the queue when the process stops is then lost.
   */
  readonly journal?: LocalJournal;
  /**
   * How often a summary line (the figures the Lambdas publish as metrics) is printed, in ms of
   * the clock; one is also printed at stop. Default {@link LOCAL_SUMMARY_EVERY_MS}; 0 turns
   * them off.
   */
  readonly summaryEveryMs?: number;
}

/** How often local mode prints its summary line by default. */
export const LOCAL_SUMMARY_EVERY_MS = 60_000;

/**
 * Tick defaults in local mode. No lookahead: the runner wakes on time, so precise schedules are
 * claimed when due like the rest. A short lease margin, with the short deadline of
 * {@link LOCAL_TICK_DURATION_MS}, frees a crashed process's shard leases within seconds.
 */
export const LOCAL_TICK_DEFAULTS = {
  lookaheadMs: 0,
  onTimeToleranceMs: 5_000,
  leaseMarginMs: 5_000,
} as const satisfies TickOptions;

/** How long one local tick may claim before it stops and lets the next one go on. */
export const LOCAL_TICK_DURATION_MS = 10_000;

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
 * Starts the local scheduler: resumes the runs its journal holds (sent by a previous process but
 * not done), ticks at once, then whenever the next schedule is due, and runs each occurrence
 * through the same invoke core as the Lambda, printing one line per run. Missed occurrences while it was not
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
  const logger = createConsoleLogger({
    write,
    level: options.logLevel,
    now: () => clock.now(),
    ...(options.format === undefined ? {} : { format: options.format }),
  });
  const publisher = createLogErrorPublisher(logger);
  const summaryEveryMs = options.summaryEveryMs ?? LOCAL_SUMMARY_EVERY_MS;
  // The figures since the last summary line.
  let period = {
    from: clock.now().getTime(),
    ticks: 0,
    tick: undefined as TickFigures | undefined,
    runs: new Map() as RunFigures,
  };
  const summarise = (): void => {
    const to = clock.now().getTime();
    if (summaryEveryMs > 0) write(formatSummaryLine({ ...period, to }, options.format));
    period = { from: to, ticks: 0, tick: undefined, runs: new Map() };
  };
  const invoker = createInvoker({
    store,
    clock,
    logger,
    errorPublisher: publisher,
    // The queue dead-letters a message on this receive: its failed attempt is the last.
    maxReceiveCount: LOCAL_MAX_RECEIVE_COUNT,
    // Sends a run waiting under overlap buffer-one when the run it waits for ends.
    dispatcher: { dispatch: (dispatches) => dispatcher.dispatch(dispatches) },
    ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
  });

  const dispatcher = createLocalDispatcher({
    consumer: (delivery) =>
      consumeLocalDelivery(invoker, delivery, {
        onResult: (result) => {
          addRunResult(period.runs, result);
          const line = formatRunLine(delivery.envelope, result, clock.now(), options.format);
          if (line !== undefined) write(line);
        },
      }),
    clock,
    onDeadLetter: (letter) => logDeadLetter(logger, letter),
    ...(options.journal === undefined ? {} : { journal: options.journal }),
  });
  /** Takes up journalled messages this process does not hold; never throws. */
  const loadJournal = (): number => {
    try {
      return dispatcher.loadJournal();
    } catch (error) {
      logger.error("could not read the local queue's journal", { error });
      return 0;
    }
  };

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
    const resumed = loadJournal();
    if (resumed > 0) logger.info(`resuming ${resumed} run(s) a previous process left queued`);
    while (!stopping) {
      let claimedAny = false;
      try {
        const startedAt = clock.now().getTime();
        const summary = await runTick(
          { store, dispatcher, clock, reporter: publisher, logger },
          {
            ...LOCAL_TICK_DEFAULTS,
            deadline: clock.now().getTime() + LOCAL_TICK_DURATION_MS,
            ...options.tick,
          },
        );
        claimedAny = summary.claimed > 0;
        period.ticks += 1;
        period.tick = addTickFigures(
          period.tick,
          tickFigures(summary, startedAt, clock.now().getTime()),
        );
        options.onTick?.(summary);
      } catch (error) {
        logger.error("tick failed; trying again shortly", { error });
      }
      // Runs handed over by `run` or `tick` in another process on the same file.
      loadJournal();
      if (summaryEveryMs > 0 && clock.now().getTime() - period.from >= summaryEveryMs) summarise();
      if (stopping) break;
      const delay = await untilNextDue(claimedAny).catch(() => maxSleepMs);
      if (!stopping) await sleep(delay);
    }
  };
  const stopped = loop()
    .then(() => dispatcher.close())
    .then(summarise);

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

/** Says which run (or which message, when it is not one) was set aside, and why. */
function logDeadLetter(logger: Logger, letter: LocalDeadLetter): void {
  const reason =
    letter.lastError instanceof Error ? letter.lastError.message : String(letter.lastError);
  if (letter.envelope === undefined) {
    logger.error(`message ${letter.messageId} is not a run this code can read; dead-lettered`, {
      reason,
      body: letter.body.length > 200 ? `${letter.body.slice(0, 200)}…` : letter.body,
    });
    return;
  }
  logger.error(
    `run ${letter.envelope.runId} moved to the dead letters after ${letter.receiveCount} deliveries`,
    { reason },
  );
}
