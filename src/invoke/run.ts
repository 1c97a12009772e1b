/**
 * The invoke flow for one delivery of an envelope: start the run with one conditional write
 * (reading the run only when that write is refused) beside a read of its schedule, decide what
 * runs, and hand the started run to the attempt (attempt.ts).
 */

import { isDeepStrictEqual } from "node:util";
import { FAILURE_EVENT_TYPE, type FailureEventType } from "../dispatch/errors-topic.js";
import type { Envelope } from "../dispatch/types.js";
import {
  DeadlinePassedError,
  EnvelopeError,
  OverlapError,
  ScheduleNotFoundError,
  UnknownJobError,
} from "../errors.js";
import type { JsonValue } from "../json.js";
import { boundedRunError } from "../run-errors.js";
import { RUN_STATUS, type RunRecord, type RunStatus, type ScheduleRecord } from "../store/types.js";
import { execute, keepsFailuresOnly } from "./attempt.js";
import {
  type Delivery,
  type DeliveryScope,
  deliveryScope,
  INVOKE_OUTCOME,
  type InvokeDeps,
  type InvokeResult,
  staleAfterMs,
} from "./delivery.js";
import { isLiveRunning, overlapDecision, wakeWaiting } from "./overlap.js";

/**
 * Processes one delivery; see `createInvoker` for what it does. Its first write starts the run;
 * a scheduled run's schedule is read in parallel with that write (its job and current payload
 * are what runs), and only overlap `skip` reads before it (the previous run). Throws only when
 * the store fails, after one log line and a `delivery.failed` event with the run's context.
 */
export async function processEnvelope(
  deps: InvokeDeps,
  envelope: Envelope,
  delivery: Delivery,
): Promise<InvokeResult> {
  const scope = deliveryScope(deps, envelope, delivery);
  try {
    const result = await startAndRun(deps, scope, envelope, delivery);
    await wakeWaiting(deps, scope, envelope, result);
    return result;
  } catch (error) {
    // Only the store throws here (a wrong table, a missing IAM action, an outage): say so once,
    // with the run, since nothing else on the way out logs a SchedulerError of a record.
    scope.log.error(
      `the delivery failed and its message will be delivered again: ${(error as Error)?.message}`,
      { error },
    );
    await scope.report(
      error instanceof Error ? error : new Error(String(error)),
      false,
      FAILURE_EVENT_TYPE.deliveryFailed,
    );
    throw error;
  }
}

/** What a started run runs: the schedule's job and payload, or the run-now record's. */
type Subject = { readonly payload: JsonValue } | { readonly refused: InvokeResult };

async function startAndRun(
  deps: InvokeDeps,
  scope: DeliveryScope,
  envelope: Envelope,
  delivery: Delivery,
): Promise<InvokeResult> {
  const { store } = deps;
  const { scheduleId } = envelope;
  const { scheduledAt, now, done, start, lost, report, hide, expiresAt, unreported } = scope;
  const job = deps.jobs.get(envelope.job);
  const staleBefore = now() - staleAfterMs(job, deps.graceSeconds);
  // The envelope is not trusted: a scheduled run runs its schedule's job and payload. The read
  // goes out now, beside the start, so that it adds no latency; run-now's record is its own.
  const schedule = envelope.manual === true ? undefined : settled(store.getSchedule(scheduleId));

  // Ends the run without starting it (FAILED, EXPIRED or SKIPPED), with why, and for a failure
  // the event it still owes until that event is published.
  const endUnstarted = (
    status: RunStatus,
    error?: Error,
    type?: FailureEventType,
  ): Promise<RunRecord | undefined> => {
    const finishedAt = now();
    return start(
      {
        status,
        finishedAt,
        expiresAt: expiresAt(finishedAt),
        ...(error === undefined ? {} : { error: boundedRunError(error) }),
        ...(type === undefined ? {} : { unreported: unreported(true, type) }),
      },
      staleBefore,
    );
  };

  if (job === undefined) {
    const error = new UnknownJobError(envelope.job, deps.jobs.names());
    const failed = await endUnstarted(RUN_STATUS.FAILED, error, FAILURE_EVENT_TYPE.failed);
    if (failed === undefined) return lost(job);
    await report(error, true, FAILURE_EVENT_TYPE.failed, failed);
    await hide(deps.finalVisibility);
    return done(INVOKE_OUTCOME.failedFinal, failed, error);
  }

  // A deadline run claimed in time may be delivered late (a backlog, retries): it never starts
  // after its deadline. Run-now is the user's explicit wish and is exempt.
  const deadline = envelope.deadline === undefined ? undefined : Date.parse(envelope.deadline);
  if (deadline !== undefined && envelope.manual !== true && now() > deadline) {
    const error = new DeadlinePassedError(
      `run ${envelope.runId} was not started by its deadline ${envelope.deadline}`,
    );
    const expired = await endUnstarted(RUN_STATUS.EXPIRED, error, FAILURE_EVENT_TYPE.expired);
    if (expired === undefined) return lost(job);
    await report(error, true, FAILURE_EVENT_TYPE.expired, expired);
    return done(INVOKE_OUTCOME.skipped, expired);
  }
  const decision = await overlapDecision(
    store,
    scheduleId,
    scheduledAt,
    envelope.overlap ?? job.overlap,
    staleBefore,
  );
  switch (decision.kind) {
    case "start":
      break;
    case "skip": {
      const { blocker, waiting } = decision;
      const error =
        waiting === undefined
          ? undefined
          : new OverlapError(
              `skipped by overlap buffer-one: run ${waiting.runId} already waits for the previous run to end`,
            );
      const skipped = await endUnstarted(RUN_STATUS.SKIPPED, error);
      if (skipped === undefined) return lost(job);
      scope.log.info(
        waiting === undefined
          ? "skipped: the previous run is still RUNNING"
          : "skipped: another run already waits for the previous one",
        { previousRunId: blocker.runId },
      );
      return done(INVOKE_OUTCOME.skipped, skipped);
    }
    case "buffer": {
      const buffered = await start({ status: RUN_STATUS.BUFFERED }, staleBefore);
      if (buffered === undefined) return lost(job);
      // The previous run may have ended between the read and this write, and then found no
      // run waiting to send: look once more, after the write.
      const blocker = await store.getRun(scheduleId, decision.blocker.scheduledAt);
      if (isLiveRunning(blocker, staleBefore)) {
        const seconds = await scope.hideUntilStale(blocker, job);
        scope.log.info("buffered: it starts when the previous run ends", {
          previousRunId: blocker.runId,
          fallbackSeconds: seconds,
        });
        return done(
          INVOKE_OUTCOME.buffered,
          buffered,
          new OverlapError(
            `run ${envelope.runId} waits for run ${blocker.runId} to end; this message comes back in ${seconds} s should nothing start it sooner`,
          ),
        );
      }
      break;
    }
    default: {
      const unexpected: never = decision;
      throw new Error(`unknown overlap decision ${JSON.stringify(unexpected)}`);
    }
  }

  const startedAt = now();
  let started = await start(
    {
      status: RUN_STATUS.RUNNING,
      startedAt,
      // Under history "failures" a success writes nothing more: the start record then expires
      // (and leaves listings) once the run must be over.
      ...(keepsFailuresOnly(envelope, job)
        ? { expiresAt: Math.ceil((startedAt + staleAfterMs(job, deps.graceSeconds)) / 1_000) }
        : {}),
    },
    staleBefore,
  );
  if (started === undefined) {
    const current = await scope.readBack();
    if (!scope.ownStart(current)) return lost(job, current);
    scope.log.info("the start was written by this delivery; its answer was lost");
    started = current;
  }
  // An earlier attempt's failure that its delivery recorded but did not get to publish.
  await scope.reportUnreported(started);
  const subject = await subjectOf(deps, scope, envelope, started, schedule);
  if ("refused" in subject) return subject.refused;
  return execute(deps, scope, envelope, delivery, job, started, subject.payload);
}

/** A promise that never rejects: read later, or never, without an unhandled rejection. */
function settled<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  return promise.then(
    (value) => ({ status: "fulfilled", value }),
    (reason: unknown) => ({ status: "rejected", reason }),
  );
}

/**
 * What the started `run` runs. A scheduled run: its schedule's job (a message naming another
 * job is refused, FAILED for good, never run) with the schedule's current payload; a schedule
 * that is gone leaves the run orphaned. A run-now run: the job and payload of its own record.
 */
async function subjectOf(
  deps: InvokeDeps,
  scope: DeliveryScope,
  envelope: Envelope,
  run: RunRecord,
  schedule: Promise<PromiseSettledResult<ScheduleRecord | undefined>> | undefined,
): Promise<Subject> {
  const { now, done, finish, log, expiresAt } = scope;
  if (schedule === undefined) {
    if (run.job !== envelope.job) return { refused: await refuse(deps, scope, run, run.job) };
    if (run.payload === undefined) {
      return { refused: await refuse(deps, scope, run, undefined) };
    }
    return { payload: run.payload };
  }
  const read = await schedule;
  if (read.status === "rejected") throw read.reason;
  const record = read.value;
  if (record === undefined) {
    const finishedAt = now();
    const error = new ScheduleNotFoundError(envelope.scheduleId);
    const ended = await finish({
      status: RUN_STATUS.SKIPPED,
      error: boundedRunError(error),
      finishedAt,
      expiresAt: expiresAt(finishedAt),
    });
    log.warn("the run's schedule does not exist (deleted since the send?): its job is not run");
    return { refused: done(INVOKE_OUTCOME.orphaned, ended ?? run) };
  }
  if (record.job !== envelope.job) return { refused: await refuse(deps, scope, run, record.job) };
  if (!isDeepStrictEqual(record.payload, envelope.payload)) {
    log.info("the schedule's payload changed since this occurrence was sent; the current one runs");
  }
  return { payload: record.payload };
}

/**
 * Fails a started run for good, without running anything: its message names a job that is not
 * the schedule's (or run-now record's), or says run-now where no run-now record exists.
 */
async function refuse(
  deps: InvokeDeps,
  scope: DeliveryScope,
  run: RunRecord,
  expected: string | undefined,
): Promise<InvokeResult> {
  const { now, done, finish, report, hide, expiresAt, unreported } = scope;
  const { job, runId } = run;
  const claimed = JSON.stringify(scope.envelopeJob);
  const error = new EnvelopeError(
    expected === undefined
      ? `the message of run "${runId}" says it was asked for by run-now, but no run-now record holds its payload: refused, nothing was run`
      : `the message of run "${runId}" names job ${claimed} but its ${run.manual === true ? "run-now record" : "schedule"} runs job "${expected}": refused, nothing was run`,
  );
  const finishedAt = now();
  const failed = await finish({
    status: RUN_STATUS.FAILED,
    error: boundedRunError(error),
    finishedAt,
    expiresAt: expiresAt(finishedAt),
    unreported: unreported(true, FAILURE_EVENT_TYPE.failed),
  });
  scope.log.error(error.message, { expectedJob: expected, recordedJob: job });
  await report(error, true, FAILURE_EVENT_TYPE.failed, failed);
  await hide(deps.finalVisibility);
  return done(INVOKE_OUTCOME.failedFinal, failed ?? run, error);
}
