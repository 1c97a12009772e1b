/**
 * Amazon EventBridge Scheduler schedules (as GetSchedule returns them) mapped to ours. Pure:
 * one source schedule in, the schedule input or the reasons it cannot be mapped out, plus
 * warnings for settings that are left out. The expression itself is checked by the control
 * plane when the schedules are checked, as for any import.
 *
 * What maps, and why:
 * - `rate(…)`, `cron(…)` (EventBridge cron is our AWS cron) and `at(…)` (a wall time in the
 *   schedule's zone, as ours) are kept as written, with `ScheduleExpressionTimezone`.
 * - `StartDate`/`EndDate` → `startAt`/`endAt`; `State` DISABLED → PAUSED.
 * - `Target.Input` → the payload (absent → `{}`); input that is not JSON is refused.
 * - `FlexibleTimeWindow` FLEXIBLE with N minutes → `jitterMs` N × 60 000 (a delay of up to N
 *   minutes, as EventBridge's window); OFF → none.
 * - `ActionAfterCompletion` DELETE: a schedule of ours that has nothing left completes and is
 *   kept with its run history (it never runs again; `export` leaves it out, `remove` deletes
 *   it), so DELETE needs no setting; noted in the table.
 * - The target is a job through `jobFor` (target ARN → job); an unmapped target is refused.
 * - `RetryPolicy` and `DeadLetterConfig` are warnings, not refusals: EventBridge gives every
 *   schedule a retry policy (185 attempts over 24 h by default), so refusing it would refuse
 *   every schedule; retries here are the job's (`defineJob({ retry })`), and failed runs go to
 *   the stack's dead-letter queue and errors topic.
 */
import type { ScheduleInput } from "../control/input.js";

/** The parts of an EventBridge Scheduler schedule the mapping reads (GetSchedule's output). */
export interface EventBridgeSchedule {
  readonly Name?: string | undefined;
  readonly GroupName?: string | undefined;
  readonly ScheduleExpression?: string | undefined;
  readonly ScheduleExpressionTimezone?: string | undefined;
  readonly StartDate?: Date | undefined;
  readonly EndDate?: Date | undefined;
  readonly State?: string | undefined;
  readonly ActionAfterCompletion?: string | undefined;
  readonly FlexibleTimeWindow?:
    | { readonly Mode?: string | undefined; readonly MaximumWindowInMinutes?: number | undefined }
    | undefined;
  readonly Target?:
    | {
        readonly Arn?: string | undefined;
        readonly Input?: string | undefined;
        readonly RetryPolicy?:
          | {
              readonly MaximumRetryAttempts?: number | undefined;
              readonly MaximumEventAgeInSeconds?: number | undefined;
            }
          | undefined;
        readonly DeadLetterConfig?: { readonly Arn?: string | undefined } | undefined;
      }
    | undefined;
}

/** One source schedule, mapped or not. */
export type EventBridgeMapping =
  | {
      readonly ok: true;
      /** `group/name`, as the table shows it. */
      readonly source: string;
      readonly input: ScheduleInput;
      readonly paused: boolean;
      /** Settings not carried over, and notes on what maps differently. */
      readonly warnings: readonly string[];
    }
  | {
      readonly ok: false;
      readonly source: string;
      readonly reasons: readonly string[];
      readonly warnings: readonly string[];
    };

/** EventBridge's own names: what a schedule and a group may be called. */
const EVENTBRIDGE_NAME = /^[0-9A-Za-z_.-]{1,64}$/;
/** An EventBridge context attribute in the input, filled in by EventBridge at each run. */
const CONTEXT_ATTRIBUTE = /<aws\.scheduler\.[a-z-]+>/;

/**
 * The id a source schedule gets: `group:name` (`default:nightly`). Stable across imports, and
 * unique, since neither part may contain `:`; `export --format eventbridge` reads it back into
 * GroupName and Name.
 */
export function eventBridgeIdOf(group: string, name: string): string {
  return `${group}:${name}`;
}

/** The target's input as a payload, or why it cannot be one. */
function payloadOf(input: string | undefined): { payload: unknown } | { refused: string } {
  if (input === undefined || input.trim() === "") return { payload: {} };
  try {
    return { payload: JSON.parse(input) };
  } catch {
    const shown = input.length > 40 ? `${input.slice(0, 40)}…` : input;
    return {
      refused: `Target.Input is not JSON (${JSON.stringify(shown)}): payloads here are JSON; make the input a JSON value first`,
    };
  }
}

/**
 * Maps one EventBridge schedule. `jobFor` names the job of each target ARN.
 *
 * @example
 * mapEventBridgeSchedule(schedule, new Map([["arn:aws:lambda:…:function:report", "report"]]));
 */
export function mapEventBridgeSchedule(
  schedule: EventBridgeSchedule,
  jobFor: ReadonlyMap<string, string>,
): EventBridgeMapping {
  const group = schedule.GroupName ?? "default";
  const name = schedule.Name ?? "";
  const source = `${group}/${name}`;
  const reasons: string[] = [];
  const warnings: string[] = [];
  if (!EVENTBRIDGE_NAME.test(group) || !EVENTBRIDGE_NAME.test(name)) {
    reasons.push(`name "${source}" is not an EventBridge schedule name`);
  }
  const expression = schedule.ScheduleExpression ?? "";
  if (expression === "") reasons.push("it has no ScheduleExpression");
  const target = schedule.Target ?? {};
  const job = target.Arn === undefined ? undefined : jobFor.get(target.Arn);
  if (job === undefined) {
    reasons.push(
      `target ${target.Arn ?? "(none)"} has no job: give --job-for ${target.Arn ?? "ARN"}=JOB`,
    );
  }
  const payload = payloadOf(target.Input);
  if ("refused" in payload) reasons.push(payload.refused);
  else if (CONTEXT_ATTRIBUTE.test(target.Input ?? "")) {
    warnings.push(
      "Target.Input uses <aws.scheduler.…> context attributes, which are passed as written: the job gets the scheduled time as ctx.scheduledAt",
    );
  }
  const window = schedule.FlexibleTimeWindow;
  const jitterMinutes =
    window?.Mode === "FLEXIBLE" ? (window.MaximumWindowInMinutes ?? undefined) : undefined;
  if (window?.Mode === "FLEXIBLE" && jitterMinutes === undefined) {
    reasons.push("FlexibleTimeWindow is FLEXIBLE without MaximumWindowInMinutes");
  }
  const retry = target.RetryPolicy;
  if (retry !== undefined) {
    warnings.push(
      `RetryPolicy (${retry.MaximumRetryAttempts ?? "?"} attempts, ${retry.MaximumEventAgeInSeconds ?? "?"} s) is not carried over: retries are the job's (defineJob retry)`,
    );
  }
  if (target.DeadLetterConfig?.Arn !== undefined) {
    warnings.push(
      `DeadLetterConfig ${target.DeadLetterConfig.Arn} is not carried over: failed runs go to the stack's dead-letter queue and errors topic`,
    );
  }
  if (schedule.ActionAfterCompletion === "DELETE") {
    warnings.push(
      "ActionAfterCompletion DELETE: once it has nothing left it completes and is kept with its history (remove deletes it)",
    );
  }
  if (reasons.length > 0 || job === undefined || "refused" in payload) {
    return { ok: false, source, reasons, warnings };
  }
  const input: ScheduleInput = {
    id: eventBridgeIdOf(group, name),
    job,
    expression,
    timezone: schedule.ScheduleExpressionTimezone ?? "UTC",
    payload: payload.payload,
    ...(schedule.StartDate === undefined ? {} : { startAt: schedule.StartDate }),
    ...(schedule.EndDate === undefined ? {} : { endAt: schedule.EndDate }),
    ...(jitterMinutes === undefined ? {} : { jitterMs: jitterMinutes * 60_000 }),
  };
  return { ok: true, source, input, paused: schedule.State === "DISABLED", warnings };
}
