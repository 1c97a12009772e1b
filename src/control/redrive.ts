/**
 * `redrive`: dead-lettered occurrences go back to the invocations queue, and their runs are made
 * startable again, so that they run.
 */
import type { DeadLetter, DeadLetterQueue } from "../dispatch/dead-letters.js";
import { envelopeFromSqsRecord } from "../dispatch/envelope.js";
import type { Envelope } from "../dispatch/types.js";
import { ConflictError } from "../errors.js";
import { RUN_STATUS, type RunStatus } from "../store/types.js";
import { type ControlDependencies, nowOf } from "./deps.js";

/** What redrive did (or, on a dry run, would do) with one message. */
export const REDRIVE_OUTCOME = {
  moved: "moved",
  wouldMove: "would-move",
  /** Not an envelope this code decodes: left on the dead-letter queue, for a person. */
  undecodable: "undecodable",
  /** The send back or the delete failed: left on the dead-letter queue; redrive again. */
  failed: "failed",
} as const;
export type RedriveOutcome = (typeof REDRIVE_OUTCOME)[keyof typeof REDRIVE_OUTCOME];

/** One message of a {@link RedriveResult}. */
export interface RedriveItem {
  readonly messageId: string;
  readonly outcome: RedriveOutcome;
  readonly runId?: string;
  readonly job?: string;
  /** The run's status before the redrive; absent when it has no record. */
  readonly status?: RunStatus;
  /** The run was FAILED and is (or, on a dry run, would be) made RETRYING so that it starts. */
  readonly reconciled: boolean;
  /** Why it was not moved. */
  readonly error?: string;
}

/** What {@link redrive} returns. */
export interface RedriveResult {
  readonly dryRun: boolean;
  readonly items: readonly RedriveItem[];
  readonly moved: number;
  readonly reconciled: number;
  /** Messages left on the dead-letter queue (undecodable, failed, or all on a dry run). */
  readonly left: number;
  /** True when `max` messages were handled and more may wait. */
  readonly more: boolean;
}

/** Options of {@link redrive}. */
export interface RedriveOptions {
  /** List what would move, and reconcile and move nothing. */
  readonly dryRun?: boolean;
  /** Messages handled at most in one call; default {@link DEFAULT_REDRIVE_MAX}. */
  readonly max?: number;
}

/** Default of {@link RedriveOptions.max}. */
export const DEFAULT_REDRIVE_MAX = 1_000;

/**
 * Moves dead-lettered messages back to the invocations queue, at most `max`, ten at a time. A
 * message's run is reconciled first: a run that its last receive made FAILED for good is set
 * RETRYING (one write conditional on FAILED), a status the invoke side starts from, so that the
 * moved message runs it; a run in any other status is left as it is (a run that has ended since,
 * say by `retry`, is then acknowledged as a duplicate). The message body is sent back unchanged:
 * the queue counts its receives afresh, so the job's retry policy applies anew.
 *
 * Reconciling before sending means a crash in between leaves a RETRYING run whose message is
 * still dead-lettered (hidden for a minute): redrive again. A dry run reads the messages and the
 * runs, writes nothing, and makes the messages visible again.
 *
 * @example
 * const result = await redrive({ store }, createSqsDeadLetterQueue({ deadLetterQueueUrl, queueUrl }));
 * console.log(`${result.moved} moved, ${result.reconciled} runs reconciled`);
 */
export async function redrive(
  deps: ControlDependencies,
  queue: DeadLetterQueue,
  options: RedriveOptions = {},
): Promise<RedriveResult> {
  const dryRun = options.dryRun === true;
  const max = Math.max(1, Math.floor(options.max ?? DEFAULT_REDRIVE_MAX));
  const items: RedriveItem[] = [];
  // Held until the end: released then, so that the loop does not receive them again.
  const kept: DeadLetter[] = [];
  let more = false;
  try {
    while (items.length < max) {
      const letters = await queue.receive(Math.min(10, max - items.length));
      if (letters.length === 0) break;
      const movable: { letter: DeadLetter; item: RedriveItem }[] = [];
      for (const letter of letters) {
        const envelope = decoded(letter);
        if (envelope === undefined) {
          kept.push(letter);
          items.push({
            messageId: letter.messageId,
            outcome: REDRIVE_OUTCOME.undecodable,
            reconciled: false,
            error: "the body is not an occurrence envelope",
          });
          continue;
        }
        const item = await reconcile(deps, letter, envelope, dryRun);
        if (dryRun) {
          kept.push(letter);
          items.push(item);
        } else movable.push({ letter, item });
      }
      if (movable.length > 0) items.push(...(await moveBack(queue, movable, kept)));
      if (items.length >= max) more = true;
    }
  } finally {
    await queue.release(kept);
  }
  const moved = items.filter((i) => i.outcome === REDRIVE_OUTCOME.moved).length;
  return {
    dryRun,
    items,
    moved,
    reconciled: items.filter((i) => i.reconciled).length,
    left: items.length - moved,
    more,
  };
}

function decoded(letter: DeadLetter): Envelope | undefined {
  try {
    return envelopeFromSqsRecord({
      body: letter.body,
      messageAttributes: Object.fromEntries(
        Object.entries(letter.attributes).map(([name, stringValue]) => [name, { stringValue }]),
      ),
    });
  } catch {
    return undefined;
  }
}

/** Makes the message's FAILED run startable again (RETRYING); other runs are left as they are. */
async function reconcile(
  deps: ControlDependencies,
  letter: DeadLetter,
  envelope: Envelope,
  dryRun: boolean,
): Promise<RedriveItem> {
  const scheduledAt = Date.parse(envelope.scheduledAt);
  const run = await deps.store.getRun(envelope.scheduleId, scheduledAt);
  const base = {
    messageId: letter.messageId,
    outcome: dryRun ? REDRIVE_OUTCOME.wouldMove : REDRIVE_OUTCOME.moved,
    runId: envelope.runId,
    job: envelope.job,
    ...(run === undefined ? {} : { status: run.status }),
  };
  if (run?.status !== RUN_STATUS.FAILED) return { ...base, reconciled: false };
  if (dryRun) return { ...base, reconciled: true };
  try {
    const now = nowOf(deps);
    await deps.store.updateRun(
      envelope.scheduleId,
      scheduledAt,
      { status: RUN_STATUS.RETRYING, finishedAt: undefined, updatedAt: now },
      { expect: [RUN_STATUS.FAILED] },
    );
    return { ...base, reconciled: true };
  } catch (error) {
    // It changed since the read (a retry took it): moved all the same, as a duplicate.
    if (error instanceof ConflictError) return { ...base, reconciled: false };
    throw error;
  }
}

async function moveBack(
  queue: DeadLetterQueue,
  movable: readonly { letter: DeadLetter; item: RedriveItem }[],
  kept: DeadLetter[],
): Promise<RedriveItem[]> {
  const result = await queue.moveBack(movable.map((m) => m.letter));
  const failures = new Map(result.failed.map((f) => [f.messageId, f.error]));
  return movable.map(({ letter, item }) => {
    const error = failures.get(letter.messageId);
    if (error === undefined) return item;
    kept.push(letter);
    return { ...item, outcome: REDRIVE_OUTCOME.failed, error: error.message };
  });
}
