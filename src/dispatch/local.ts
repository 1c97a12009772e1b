/**
 * The local dispatcher: an in-process queue for local mode and tests that behaves like the
 * SQS queue the invoke function reads: delivery after DelaySeconds, redelivery after the
 * visibility timeout when the consumer fails (or after ChangeMessageVisibility), and a move to a
 * dead-letter list once a message has been received `maxReceiveCount` times. With a journal,
 * its messages outlive the process, as a queue's do.
 */
import { randomUUID } from "node:crypto";
import { type Clock, systemClock } from "../clock.js";
import { ConfigurationError } from "../errors.js";
import { type Prepared, prepare } from "./batch.js";
import { decodeEnvelope } from "./envelope.js";
import {
  type Dispatch,
  type Dispatcher,
  type DispatchResult,
  type Envelope,
  MAX_DELAY_SECONDS,
} from "./types.js";

/** Timer functions; injected so tests can drive time by hand. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** One delivery of a message to the consumer. */
export interface LocalDelivery {
  readonly messageId: string;
  /** Decoded afresh for each delivery, as the invoke side would from a queue. */
  readonly envelope: Envelope;
  /** 1 on the first delivery, like SQS's ApproximateReceiveCount. */
  readonly receiveCount: number;
  /**
   * Like ChangeMessageVisibility: if this delivery fails, the message is delivered again
   * `seconds` (0-43200) after this call instead of after the visibility timeout.
   */
  changeVisibility(seconds: number): void;
}

/**
 * Handles a delivery: resolving deletes the message (whatever the value), throwing or rejecting
 * leaves it for redelivery, as a failed record of an SQS batch.
 */
export type LocalConsumer = (delivery: LocalDelivery) => unknown;

/** A message moved aside after too many failed deliveries, or at once when it cannot be delivered. */
export interface LocalDeadLetter {
  readonly messageId: string;
  readonly body: string;
  /** Absent when the body is not an envelope this code can decode. */
  readonly envelope?: Envelope;
  readonly receiveCount: number;
  /** What the consumer threw the last time, or why the message could not be delivered. */
  readonly lastError: unknown;
  readonly movedAt: Date;
}

/** A message as a {@link LocalJournal} keeps it. */
export interface JournalEntry {
  readonly id: string;
  /** The encoded envelope. */
  readonly body: string;
  /** Epoch ms from which it may be delivered (again). */
  readonly availableAt: number;
  /** Deliveries so far. */
  readonly receiveCount: number;
}

/**
 * Where the local dispatcher keeps its messages so that a stopped process loses none (see
 * `src/local/journal.ts`). Synchronous, so that the queue in memory and its journal never
 * disagree between two statements. Several processes may share one journal: each delivers
 * what it loaded, and a message deleted by one is dropped by the others when they next try it.
 */
export interface LocalJournal {
  /** Keeps `entries`, all or none (one transaction). */
  add(entries: readonly JournalEntry[]): void;
  /** Forgets messages (deleted or dead-lettered); ids it does not hold are ignored. */
  remove(ids: readonly string[]): void;
  /** Records a receive or a visibility change; false when the message is no longer held. */
  update(id: string, receiveCount: number, availableAt: number): boolean;
  /** Every message held, soonest available first. */
  load(): JournalEntry[];
  /**
   * Moves a message aside as dead-lettered, with why, where `redrive` finds it. A journal
   * without it forgets dead-lettered messages (the process's `deadLetters` still lists them).
   */
  deadLetter?(id: string, reason: string): void;
}

/** Options of {@link createLocalDispatcher}. */
export interface LocalDispatcherOptions {
  readonly consumer: LocalConsumer;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** Default: the global `setTimeout`/`clearTimeout`. */
  readonly timers?: Timers;
  /** Seconds a failed delivery stays hidden; default 30 (SQS's default). */
  readonly visibilityTimeoutSeconds?: number;
  /** Deliveries before a failing message is dead-lettered; default 5. */
  readonly maxReceiveCount?: number;
  /** Called when a message is dead-lettered. */
  readonly onDeadLetter?: (letter: LocalDeadLetter) => void;
  /**
   * Keeps every message until it is deleted or dead-lettered: written before `dispatch`
   * resolves, so that a message survives the process; see {@link LocalDispatcher.loadJournal}.
   */
  readonly journal?: LocalJournal;
}

/** A {@link Dispatcher} that delivers in-process. */
export interface LocalDispatcher extends Dispatcher {
  /** Messages dead-lettered so far, oldest first. */
  readonly deadLetters: readonly LocalDeadLetter[];
  /** Messages neither deleted nor dead-lettered (waiting or being delivered). */
  readonly size: number;
  /** Resolves once no message is waiting or being delivered (or the dispatcher is closed). */
  idle(): Promise<void>;
  /**
   * Takes up the journal's messages that this dispatcher does not hold (left by a stopped
   * process, or written by another one), each delivered when it becomes available; returns how
   * many. Without a journal, 0.
   */
  loadJournal(): number;
  /** Stops delivering, cancels timers and waits for deliveries in progress. */
  close(): Promise<void>;
}

interface Message {
  readonly id: string;
  readonly body: string;
  receiveCount: number;
  timer: unknown;
  lastError: unknown;
}

const globalTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Why a message was dead-lettered, in words, for the journal. */
function reasonOf(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  return reason === undefined ? "" : String(reason);
}

/** How many times the local queue delivers a message before dead-lettering it, by default. */
export const LOCAL_MAX_RECEIVE_COUNT = 5;

/**
 * Creates an in-process dispatcher that mirrors SQS semantics, for local mode and tests. Like
 * SQS it applies the 256 KiB message limit and the 0-900 s delay range, so what fails on AWS
 * fails locally too. Unlike SQS, a delivery that outlasts the visibility timeout is not
 * delivered a second time in parallel. A message that cannot be delivered at all (its body does
 * not decode, or the queue's own bookkeeping fails) is dead-lettered at once: the queue never
 * throws from its timers.
 *
 * @example
 * ```ts
 * const dispatcher = createLocalDispatcher({
 *   consumer: invoker.processLocalDelivery,
 *   maxReceiveCount: 3,
 * });
 * await dispatcher.dispatch([{ envelope, delaySeconds: 5 }]);
 * ```
 */
export function createLocalDispatcher(options: LocalDispatcherOptions): LocalDispatcher {
  const { consumer, onDeadLetter, journal } = options;
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? globalTimers;
  const visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 30;
  const maxReceiveCount = options.maxReceiveCount ?? LOCAL_MAX_RECEIVE_COUNT;
  if (typeof consumer !== "function")
    throw new ConfigurationError("createLocalDispatcher: consumer must be a function");
  if (!(visibilityTimeoutSeconds >= 0 && visibilityTimeoutSeconds <= 43_200)) {
    throw new ConfigurationError(
      `createLocalDispatcher: visibilityTimeoutSeconds must be from 0 to 43200, got ${visibilityTimeoutSeconds}`,
    );
  }
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1) {
    throw new ConfigurationError(
      `createLocalDispatcher: maxReceiveCount must be a whole number ≥ 1, got ${maxReceiveCount}`,
    );
  }

  const messages = new Map<string, Message>();
  const deadLetters: LocalDeadLetter[] = [];
  const inFlight = new Set<Promise<void>>();
  let idleWaiters: (() => void)[] = [];
  let closed = false;

  const settleIdle = (): void => {
    if (messages.size > 0 && !closed) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const deadLetter = (message: Message, envelope: Envelope | undefined, reason: unknown): void => {
    messages.delete(message.id);
    const letter: LocalDeadLetter = {
      messageId: message.id,
      body: message.body,
      ...(envelope === undefined ? {} : { envelope }),
      receiveCount: message.receiveCount,
      lastError: reason,
      movedAt: clock.now(),
    };
    deadLetters.push(letter);
    try {
      if (journal?.deadLetter === undefined) journal?.remove([message.id]);
      else journal.deadLetter(message.id, reasonOf(reason));
      onDeadLetter?.(letter);
    } catch {
      // Nothing more to do here: at worst a journalled message comes back at the next start.
    }
    settleIdle();
  };

  const schedule = (message: Message, delayMs: number): void => {
    message.timer = timers.setTimeout(
      () => {
        message.timer = undefined;
        const delivery = deliver(message).catch((error: unknown) => {
          if (messages.has(message.id)) deadLetter(message, undefined, error);
        });
        inFlight.add(delivery);
        void delivery.finally(() => inFlight.delete(delivery));
      },
      Math.max(0, delayMs),
    );
  };

  const deliver = async (message: Message): Promise<void> => {
    if (closed) return;
    let envelope: Envelope;
    try {
      envelope = decodeEnvelope(message.body);
    } catch (error) {
      // It would fail the same way on every receive: set it aside now, with why.
      deadLetter(message, undefined, error);
      return;
    }
    // SQS moves a message aside when it would be received once more than maxReceiveCount.
    if (message.receiveCount >= maxReceiveCount) {
      deadLetter(message, envelope, message.lastError);
      return;
    }
    message.receiveCount += 1;
    let visibleAt = clock.now().getTime() + visibilityTimeoutSeconds * 1000;
    if (journal !== undefined && !journal.update(message.id, message.receiveCount, visibleAt)) {
      // Another process sharing the journal deleted it.
      messages.delete(message.id);
      settleIdle();
      return;
    }
    try {
      await consumer({
        messageId: message.id,
        envelope,
        receiveCount: message.receiveCount,
        changeVisibility: (seconds) => {
          if (!(seconds >= 0 && seconds <= 43_200)) {
            throw new ConfigurationError(
              `changeVisibility: seconds must be from 0 to 43200, got ${seconds}`,
            );
          }
          visibleAt = clock.now().getTime() + seconds * 1000;
        },
      });
    } catch (error) {
      message.lastError = error;
      // A restart honours the backoff the consumer asked for.
      journal?.update(message.id, message.receiveCount, visibleAt);
      if (!closed) schedule(message, visibleAt - clock.now().getTime());
      return;
    }
    messages.delete(message.id);
    journal?.remove([message.id]);
    settleIdle();
  };

  const hold = (entry: JournalEntry): void => {
    const message: Message = {
      id: entry.id,
      body: entry.body,
      receiveCount: entry.receiveCount,
      timer: undefined,
      lastError: undefined,
    };
    messages.set(message.id, message);
    schedule(message, entry.availableAt - clock.now().getTime());
  };

  return {
    get deadLetters() {
      return deadLetters;
    },
    get size() {
      return messages.size;
    },
    async dispatch(dispatches: readonly Dispatch[]): Promise<DispatchResult> {
      if (closed) throw new ConfigurationError("the local dispatcher is closed");
      const { ready, failed } = prepare(dispatches, "local queue");
      const entries = journalEntries(ready, clock.now().getTime());
      journal?.add(entries);
      for (const entry of entries) hold(entry);
      return { failed };
    },
    loadJournal(): number {
      if (journal === undefined || closed) return 0;
      const fresh = journal.load().filter((entry) => !messages.has(entry.id));
      for (const entry of fresh) hold(entry);
      return fresh.length;
    },
    idle(): Promise<void> {
      if (messages.size === 0 || closed) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async close(): Promise<void> {
      closed = true;
      for (const message of messages.values()) {
        if (message.timer !== undefined) timers.clearTimeout(message.timer);
      }
      await Promise.allSettled([...inFlight]);
      settleIdle();
    },
  };
}

/** Journal entries of prepared messages, each available after its delay. */
export function journalEntries(ready: readonly Prepared[], now: number): JournalEntry[] {
  return ready.map((item) => ({
    id: randomUUID(),
    body: item.body,
    availableAt: now + Math.min(item.delaySeconds, MAX_DELAY_SECONDS) * 1000,
    receiveCount: 0,
  }));
}
