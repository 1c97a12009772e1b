/**
 * `why`: whether and why a schedule fired at or near a time, with the evidence: its state,
 * bounds and zone rules, and the run records around the occurrence.
 */
import { ScheduleNotFoundError } from "../errors.js";
import { dueAtOf, occurrenceOptions, scheduleOf } from "../planning/index.js";
import { jitterFor } from "../planning/jitter.js";
import { nextRun, previousRun } from "../scheduling/index.js";
import {
  HISTORY,
  RUN_STATUS,
  type RunRecord,
  runIdOf,
  SCHEDULE_STATE,
  type ScheduleRecord,
} from "../store/types.js";
import { type ControlDependencies, nowOf } from "./deps.js";
import { dstPlacement } from "./dst.js";
import { type Instant, toEpochMs } from "./input.js";

/** The short answer. */
export const WHY_VERDICT = {
  /** A run of the occurrence started (or was sent). */
  ran: "ran",
  /** The occurrence was not run, and the reasons say why. */
  notRun: "not-run",
  /** The occurrence is still to come. */
  notYet: "not-yet",
  /** No record says either way. */
  unknown: "unknown",
} as const;
export type WhyVerdict = (typeof WHY_VERDICT)[keyof typeof WHY_VERDICT];

/** The kinds of reason, one per rule that can decide whether an occurrence runs. */
export const WHY_REASON = {
  paused: "paused",
  beforeStart: "before-start",
  afterEnd: "after-end",
  dstGap: "dst-gap",
  dstRepeated: "dst-repeated",
  missed: "missed",
  expired: "expired",
  skipped: "skipped",
  buffered: "buffered",
  cancelled: "cancelled",
  collapsed: "collapsed",
  jitter: "jitter",
  ran: "ran",
  notYet: "not-yet",
  noRecord: "no-record",
  noOccurrence: "no-occurrence",
} as const;
export type WhyReasonKind = (typeof WHY_REASON)[keyof typeof WHY_REASON];

/** One reason, in words, with the facts it rests on. */
export interface WhyReason {
  readonly kind: WhyReasonKind;
  readonly message: string;
  readonly evidence?: Readonly<Record<string, string | number>>;
}

/** What {@link explain} returns. */
export interface Explanation {
  readonly scheduleId: string;
  /** The time asked about. */
  readonly at: number;
  readonly verdict: WhyVerdict;
  readonly reasons: readonly WhyReason[];
  /** The occurrence nearest `at` (scheduled time), when the schedule has one. */
  readonly occurrence?: number;
  /** The run of that occurrence, when a record of it exists. */
  readonly runId?: string;
}

/** How far around the occurrence run records are read. */
const RUN_WINDOW_MS = 86_400_000;
/** Runs read in that window. */
const RUN_LIMIT = 50;

const isoOf = (ms: number): string => new Date(ms).toISOString();

/**
 * Explains whether and why schedule `id` fired at or near `at`: takes the occurrence nearest
 * `at` on its grid and reports, with evidence, what decided its fate: its run record when one
 * exists (ran, with its run id; MISSED by max lateness; EXPIRED; SKIPPED by overlap), else
 * paused, before its start (or its creation) or after its end, or collapsed by catch-up (no
 * record between claimed runs under catch-up `latest` or `none`); plus the DST rule that moved
 * it or left one of two wall times, and its jitter. Reads only. A schedule with history
 * `failures` keeps no record of a run that succeeded, so such an occurrence is `unknown`.
 *
 * @example
 * const { verdict, reasons } = await explain("nightly", "2026-03-08T07:00:00Z", { store });
 * for (const reason of reasons) console.log(reason.message);
 */
export async function explain(
  id: string,
  at: Instant,
  deps: ControlDependencies,
): Promise<Explanation> {
  const asked = toEpochMs(at, "at");
  const record = await deps.store.getSchedule(id);
  if (record === undefined) throw new ScheduleNotFoundError(id);
  const schedule = scheduleOf(record);
  const options = occurrenceOptions(record, schedule);
  const before = previousRun(schedule, new Date(asked), options)?.getTime();
  const after = nextRun(schedule, new Date(asked), options)?.getTime();
  const occurrence =
    before === undefined
      ? after
      : after === undefined || asked - before <= after - asked
        ? before
        : after;
  const base = { scheduleId: id, at: asked };
  if (occurrence === undefined) {
    return {
      ...base,
      verdict: WHY_VERDICT.notRun,
      reasons: [
        {
          kind: WHY_REASON.noOccurrence,
          message: `${record.expression} (${record.timezone}) has no occurrence near ${isoOf(asked)}`,
        },
      ],
    };
  }
  const reasons: WhyReason[] = [];
  const dst = dstPlacement(schedule, occurrence);
  if (dst !== undefined) {
    reasons.push({
      kind: dst.kind === "gap" ? WHY_REASON.dstGap : WHY_REASON.dstRepeated,
      message: `${dst.rule}: this occurrence is at ${isoOf(occurrence)}`,
      evidence: {
        wallTime: dst.wallTime,
        day: dst.day,
        timezone: record.timezone,
        ...(dst.notFiredAt === undefined ? {} : { notFiredAt: isoOf(dst.notFiredAt) }),
      },
    });
  }
  const jitter = jitterFor(runIdOf(id, occurrence), record.jitterMs);
  if (jitter > 0) {
    reasons.push({
      kind: WHY_REASON.jitter,
      message: `jitter delays this occurrence by ${jitter} ms (of up to ${record.jitterMs} ms): due at ${isoOf(dueAtOf(record, occurrence))}, not ${isoOf(occurrence)}`,
      evidence: { jitterMs: jitter, dueAt: isoOf(dueAtOf(record, occurrence)) },
    });
  }
  const result = (verdict: WhyVerdict, more: readonly WhyReason[], run?: RunRecord) => ({
    ...base,
    verdict,
    occurrence,
    ...(run === undefined ? {} : { runId: run.runId }),
    reasons: [...more, ...reasons],
  });

  const runs = (
    await deps.store.listRuns(id, { before: occurrence + RUN_WINDOW_MS, limit: RUN_LIMIT })
  ).items;
  const own = runs.find((run) => run.scheduledAt === occurrence);
  if (own !== undefined) return result(...runReason(own), own);
  const bounds = boundsReason(record, occurrence);
  if (bounds !== undefined) return result(WHY_VERDICT.notRun, [bounds]);

  const claimedPast = record.lastScheduledAt !== undefined && record.lastScheduledAt >= occurrence;
  if (record.state === SCHEDULE_STATE.PAUSED && !claimedPast) {
    return result(WHY_VERDICT.notRun, [
      {
        kind: WHY_REASON.paused,
        message: `the schedule is paused (since ${isoOf(record.updatedAt)} at the latest); occurrences while paused follow catch-up ${record.catchUp} on resume`,
        evidence: { state: record.state, updatedAt: isoOf(record.updatedAt) },
      },
    ]);
  }
  const earlier = runs.find((run) => run.scheduledAt < occurrence);
  const later = runs.filter((run) => run.scheduledAt > occurrence).at(-1);
  if (
    !claimedPast &&
    later === undefined &&
    (occurrence > nowOf(deps) || (record.nextRunAt ?? 0) <= occurrence)
  ) {
    return result(WHY_VERDICT.notYet, [
      {
        kind: WHY_REASON.notYet,
        message: `not run yet: the schedule's next run is ${record.nextRunAt === undefined ? "none" : isoOf(record.nextRunAt)}`,
      },
    ]);
  }
  if (record.history === HISTORY.failures) {
    return result(WHY_VERDICT.unknown, [
      {
        kind: WHY_REASON.noRecord,
        message:
          "no run record: the schedule keeps history of failures only, so a run that succeeded leaves none",
      },
    ]);
  }
  if (record.catchUp !== "all" && (later !== undefined || claimedPast)) {
    const between = `between ${earlier === undefined ? "the start" : `run ${earlier.runId}`} and ${later === undefined ? `the last claimed occurrence ${isoOf(record.lastScheduledAt ?? occurrence)}` : `run ${later.runId}`}`;
    return result(WHY_VERDICT.notRun, [
      {
        kind: WHY_REASON.collapsed,
        message: `collapsed by catch-up ${record.catchUp}: no run of it ${between}; missed occurrences run ${record.catchUp === "latest" ? "as one, the latest" : "not at all"}`,
        evidence: {
          catchUp: record.catchUp,
          ...(earlier === undefined ? {} : { previousRunId: earlier.runId }),
          ...(later === undefined ? {} : { nextRunId: later.runId }),
        },
      },
    ]);
  }
  return result(WHY_VERDICT.unknown, [
    {
      kind: WHY_REASON.noRecord,
      message: `no run record of ${runIdOf(id, occurrence)}: it may have been dispatched and not started, or its record expired`,
    },
  ]);
}

/** Before the schedule's start or after its end. */
function boundsReason(record: ScheduleRecord, occurrence: number): WhyReason | undefined {
  if (record.startAt !== undefined && occurrence < record.startAt) {
    return {
      kind: WHY_REASON.beforeStart,
      message: `${isoOf(occurrence)} is before the schedule's start, ${isoOf(record.startAt)}`,
      evidence: { startAt: isoOf(record.startAt) },
    };
  }
  if (record.startAt === undefined && occurrence < record.createdAt - (record.createdAt % 1_000)) {
    return {
      kind: WHY_REASON.beforeStart,
      message: `${isoOf(occurrence)} is before the schedule was created, ${isoOf(record.createdAt)}`,
      evidence: { createdAt: isoOf(record.createdAt) },
    };
  }
  if (record.endAt !== undefined && occurrence > record.endAt) {
    return {
      kind: WHY_REASON.afterEnd,
      message: `${isoOf(occurrence)} is after the schedule's end, ${isoOf(record.endAt)}`,
      evidence: { endAt: isoOf(record.endAt) },
    };
  }
  return undefined;
}

/** What the occurrence's own run record says. */
function runReason(run: RunRecord): [WhyVerdict, WhyReason[]] {
  const evidence = { runId: run.runId, status: run.status };
  const why = run.error?.message === undefined ? "" : `: ${run.error.message}`;
  switch (run.status) {
    case RUN_STATUS.MISSED:
      return [
        WHY_VERDICT.notRun,
        [{ kind: WHY_REASON.missed, message: `recorded MISSED${why}`, evidence }],
      ];
    case RUN_STATUS.SKIPPED:
      return [
        WHY_VERDICT.notRun,
        [
          {
            kind: WHY_REASON.skipped,
            message: `skipped by overlap${why === "" ? ": the previous run was still RUNNING" : why}`,
            evidence,
          },
        ],
      ];
    case RUN_STATUS.EXPIRED:
      return [
        WHY_VERDICT.notRun,
        [{ kind: WHY_REASON.expired, message: `recorded EXPIRED${why}`, evidence }],
      ];
    case RUN_STATUS.BUFFERED:
      return [
        WHY_VERDICT.notYet,
        [
          {
            kind: WHY_REASON.buffered,
            message: `buffered by overlap buffer-one since ${isoOf(run.updatedAt)}: it starts when the previous run ends`,
            evidence,
          },
        ],
      ];
    case RUN_STATUS.CANCELLED:
      return [
        WHY_VERDICT.notRun,
        [{ kind: WHY_REASON.cancelled, message: `cancelled before it started${why}`, evidence }],
      ];
    case RUN_STATUS.PENDING:
    case RUN_STATUS.DISPATCHED:
    case RUN_STATUS.RUNNING:
    case RUN_STATUS.RETRYING:
    case RUN_STATUS.SUCCEEDED:
    case RUN_STATUS.FAILED: {
      const started =
        run.startedAt === undefined
          ? `asked for at ${isoOf(run.createdAt)}, not started yet`
          : `ran at ${isoOf(run.startedAt)}`;
      return [
        WHY_VERDICT.ran,
        [
          {
            kind: WHY_REASON.ran,
            message: `${started}: run ${run.runId}, ${run.status}${run.manual === true ? " (manual)" : ""}`,
            evidence: {
              ...evidence,
              ...(run.startedAt === undefined ? {} : { startedAt: isoOf(run.startedAt) }),
            },
          },
        ],
      ];
    }
    default: {
      const unreachable: never = run.status;
      return unreachable;
    }
  }
}
