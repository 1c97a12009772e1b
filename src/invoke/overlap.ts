/**
 * The overlap policies' reads: which earlier run a new occurrence would overlap (`skip`,
 * `buffer-one`), and, once a run ends, which run waits for it (`buffer-one`).
 *
 * A schedule's runs share one partition ordered by scheduled time, so both are short queries of
 * its newest runs. Only schedules whose policy is not `allow` pay for them.
 */
import type { Dispatcher, Envelope } from "../dispatch/types.js";
import type { Logger } from "../logger.js";
import { OVERLAP, type Overlap } from "../registry/types.js";
import { RUN_STATUS, type RunRecord, type RunStatus, type ScheduleStore } from "../store/types.js";
import {
  type DeliveryScope,
  INVOKE_OUTCOME,
  type InvokeDeps,
  type InvokeOutcome,
  type InvokeResult,
} from "./delivery.js";

/** What the overlap policy makes of a new occurrence. */
export type OverlapDecision =
  /** Nothing it would overlap, or the policy is `allow`. */
  | { readonly kind: "start" }
  /** Not run: `blocker` is RUNNING (skip), or `waiting` already waits for it (buffer-one). */
  | { readonly kind: "skip"; readonly blocker: RunRecord; readonly waiting?: RunRecord }
  /** Wait for `blocker` to end (buffer-one, nothing waiting yet). */
  | { readonly kind: "buffer"; readonly blocker: RunRecord };

/** Runs that never started: walked past to find the run an occurrence would overlap. */
const NEVER_STARTED: readonly RunStatus[] = [
  RUN_STATUS.SKIPPED,
  RUN_STATUS.MISSED,
  RUN_STATUS.EXPIRED,
  RUN_STATUS.CANCELLED,
];

/** Runs read per query, and queries at most, when walking back past runs that never started. */
const PAGE = 5;
const MAX_PAGES = 4;

/**
 * The schedule's runs newest first (scheduled strictly before `before`, when given), read a page
 * of {@link PAGE} at a time as the caller goes on, at most {@link MAX_PAGES} pages.
 */
async function* newestRuns(
  store: ScheduleStore,
  scheduleId: string,
  before?: number,
): AsyncGenerator<RunRecord> {
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const { items, cursor: next } = await store.listRuns(scheduleId, {
      limit: PAGE,
      ...(before === undefined ? {} : { before }),
      ...(cursor === undefined ? {} : { cursor }),
    });
    yield* items;
    if (next === undefined) return;
    cursor = next;
  }
}

/** Whether `run` is RUNNING under a runner that may still be alive. */
export function isLiveRunning(run: RunRecord | undefined, staleBefore: number): run is RunRecord {
  return run?.status === RUN_STATUS.RUNNING && (run.startedAt ?? 0) >= staleBefore;
}

/**
 * Decides under `policy` whether the occurrence at `scheduledAt` starts, is skipped or waits.
 * It walks back from the occurrence past runs that never started (SKIPPED, MISSED, EXPIRED,
 * CANCELLED; at most 20) to the last run that did: a later occurrence skipped while a long run
 * went on must not let the next one start beside it. A run RUNNING since before `staleBefore`
 * is presumed dead, and a BUFFERED one not written since then presumed lost: neither holds
 * anything up.
 */
export async function overlapDecision(
  store: ScheduleStore,
  scheduleId: string,
  scheduledAt: number,
  policy: Overlap,
  staleBefore: number,
): Promise<OverlapDecision> {
  if (policy === OVERLAP.allow) return { kind: "start" };
  let waiting: RunRecord | undefined;
  for await (const run of newestRuns(store, scheduleId, scheduledAt)) {
    if (NEVER_STARTED.includes(run.status)) continue;
    if (run.status === RUN_STATUS.BUFFERED) {
      if (run.updatedAt >= staleBefore) waiting ??= run;
      continue;
    }
    if (!isLiveRunning(run, staleBefore)) return waitingOrStart(policy, waiting);
    if (policy === OVERLAP.skip || waiting !== undefined) {
      return { kind: "skip", blocker: run, ...(waiting === undefined ? {} : { waiting }) };
    }
    return { kind: "buffer", blocker: run };
  }
  return waitingOrStart(policy, waiting);
}

/**
 * The last run that started has ended: a run still waiting is about to start (its wake-up is
 * on its way), and the new occurrence would overlap it.
 */
function waitingOrStart(policy: Overlap, waiting: RunRecord | undefined): OverlapDecision {
  if (policy === OVERLAP.bufferOne && waiting !== undefined) {
    return { kind: "skip", blocker: waiting, waiting };
  }
  return { kind: "start" };
}

/**
 * Sends each run that waits (BUFFERED) for the run of `envelope`, which has just left RUNNING,
 * as a new message with the same run id straight to the queue, where its delivery finds nothing
 * RUNNING and starts it. Best effort: should the send fail or this process stop first, the
 * waiting run's own message comes back once the run it waited for must be over, and starts it.
 * Reads the schedule's runs newest first down to this one (the runs skipped meanwhile, at most
 * 20).
 */
async function wakeBuffered(
  store: ScheduleStore,
  dispatcher: Dispatcher,
  envelope: Envelope,
  log: Logger,
): Promise<void> {
  const endedAt = Date.parse(envelope.scheduledAt);
  const waiting: RunRecord[] = [];
  for await (const run of newestRuns(store, envelope.scheduleId)) {
    if (run.scheduledAt <= endedAt) break;
    if (run.status === RUN_STATUS.BUFFERED) waiting.push(run);
  }
  if (waiting.length === 0) return;
  const { manual: _manual, ...facts } = envelope;
  const { failed } = await dispatcher.dispatch(
    waiting.map((run) => ({
      envelope: {
        ...facts,
        runId: run.runId,
        scheduledAt: new Date(run.scheduledAt).toISOString(),
        attempt: 1,
      },
      precise: true,
    })),
  );
  for (const { runId, error } of failed) {
    log.warn("could not send the run that waited for this one; its own message starts it later", {
      waitingRunId: runId,
      error,
    });
  }
  for (const run of waiting) {
    if (!failed.some((failure) => failure.runId === run.runId)) {
      log.info("sent the run that waited for this one", { waitingRunId: run.runId });
    }
  }
}

/** Outcomes after which the run is no longer RUNNING (or was not, when a redelivery found it). */
const LEFT_RUNNING: ReadonlySet<InvokeOutcome> = new Set([
  INVOKE_OUTCOME.succeeded,
  INVOKE_OUTCOME.failedRetry,
  INVOKE_OUTCOME.failedFinal,
  INVOKE_OUTCOME.duplicate,
  INVOKE_OUTCOME.deadLetter,
]);

/**
 * Under overlap `buffer-one`, sends the run that waits for this one once this one has ended. A
 * redelivery that finds the run ended does it too: its runner may have stopped between its last
 * write and the send. Never throws: the waiting run's own message is the fallback.
 */
export async function wakeWaiting(
  deps: InvokeDeps,
  scope: DeliveryScope,
  envelope: Envelope,
  result: InvokeResult,
): Promise<void> {
  const policy = envelope.overlap ?? deps.jobs.get(envelope.job)?.overlap;
  if (policy !== OVERLAP.bufferOne || !LEFT_RUNNING.has(result.outcome)) return;
  if (deps.dispatcher === undefined) {
    scope.log.warn(
      "overlap buffer-one has no dispatcher here: the run waiting for this one starts when its own message comes back",
    );
    return;
  }
  try {
    await wakeBuffered(deps.store, deps.dispatcher, envelope, scope.log);
  } catch (error) {
    scope.log.warn(
      "could not look for a run waiting for this one; its own message starts it later",
      {
        error,
      },
    );
  }
}
