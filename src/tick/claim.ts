/**
 * One due schedule's turn in a tick: plan it, send the runs, report the ones not run, then claim
 * (records, and the schedule advanced if unchanged). See docs/claims.md for why in this order.
 */
import { dispatchOf, type ScheduleFacts } from "../dispatch/envelope.js";
import { FAILURE_EVENT_TYPE } from "../dispatch/errors-topic.js";
import { DispatchError } from "../errors.js";
import { type DuePlan, planDue } from "../planning/index.js";
import { scheduleOf } from "../planning/occurrences.js";
import { deadlineOf } from "../scheduling/deadline.js";
import type { Schedule } from "../scheduling/index.js";
import { RUN_STATUS, type RunRecord, type ScheduleRecord } from "../store/types.js";
import type { TickDependencies, TickRun, TickSummary } from "./types.js";

/** Sends, reports and claims one due schedule; failures leave it due for the next tick. */
export async function claimOne(tick: TickRun, record: ScheduleRecord): Promise<void> {
  const { deps, options, summary, now } = tick;
  try {
    const schedule = scheduleOf(record);
    const plan = planDue(record, schedule, now, options);
    if (plan === undefined) return;
    const facts = factsOf(record, schedule);
    const errors = await Promise.all(
      plan.pending.map((run) => tick.send(dispatchOf(run, now, facts))),
    );
    const refused = errors.filter((error) => error !== undefined);
    if (refused.length > 0) {
      // Not claimed, so it stays due and the next tick sends it again: the runs this one did
      // send arrive twice, and the invoke side starts each run once.
      summary.failed += 1;
      deps.logger?.warn("the transport refused a run; the schedule stays due", {
        scheduleId: record.id,
        refused: refused.length,
        error: refused[0]?.message,
      });
      return;
    }
    summary.dispatched += plan.pending.length;
    for (const run of plan.notRun) await report(deps, run, now);
    const claimed = await deps.store.claim({
      schedule: record,
      changes: plan.changes,
      records: plan.notRun,
    });
    if (!claimed.claimed) {
      summary.lost += 1;
      return;
    }
    count(summary, plan);
  } catch (error) {
    summary.failed += 1;
    deps.logger?.error("tick could not claim a schedule; it stays due", {
      scheduleId: record.id,
      error: String(error),
    });
  }
}

function count(summary: TickSummary, plan: DuePlan): void {
  summary.claimed += 1;
  if (plan.ended) summary.completed += 1;
  for (const run of plan.notRun) {
    if (run.status === RUN_STATUS.EXPIRED) summary.expired += 1;
    else summary.missed += 1;
  }
}

/** What the invoke side needs of the schedule to decide on the start (see Envelope). */
function factsOf(record: ScheduleRecord, schedule: Schedule): ScheduleFacts {
  const deadline = deadlineOf(schedule);
  return {
    ...(deadline === undefined ? {} : { deadline: new Date(deadline).toISOString() }),
    ...(record.overlap === undefined ? {} : { overlap: record.overlap }),
    ...(record.history === undefined ? {} : { history: record.history }),
  };
}

/**
 * Reports a MISSED or EXPIRED run before its claim, so that a crash in between reports it again
 * rather than never. Throws when the event was not published (the publisher answers false, or
 * throws), which leaves the schedule due: the next tick reports it again.
 */
async function report(deps: TickDependencies, run: RunRecord, now: number): Promise<void> {
  const published = await deps.reporter?.publish({
    type:
      run.status === RUN_STATUS.EXPIRED ? FAILURE_EVENT_TYPE.expired : FAILURE_EVENT_TYPE.missed,
    job: run.job,
    scheduleId: run.scheduleId,
    runId: run.runId,
    attempt: 0,
    final: true,
    error: run.error ?? {
      name: run.status,
      message: `${run.status} at ${new Date(now).toISOString()}`,
    },
    at: new Date(now).toISOString(),
  });
  if (published === false) {
    throw new DispatchError(
      `the ${run.status} event of run "${run.runId}" was not published; the schedule stays due and the next tick reports it again`,
    );
  }
}
