/**
 * Which daylight-saving rule, if any, placed an occurrence where it is: the wall times a
 * schedule names on the occurrence's local day, resolved in its zone as the scheduling code
 * resolves them (docs/semantics.md, "Daylight saving time").
 */
import type { Schedule } from "../scheduling/index.js";
import { loadZone, resolveWallTime, toWallTime } from "../scheduling/zone.js";

const DAY = 86_400_000;

/** How a DST rule placed an occurrence. */
export interface DstPlacement {
  /** `gap`: its wall time did not exist; `repeated`: it happened twice. */
  readonly kind: "gap" | "repeated";
  /** The wall time named by the schedule, `HH:MM:SS`, and its local day `YYYY-MM-DD`. */
  readonly wallTime: string;
  readonly day: string;
  /** `repeated`: the second instant of the wall time, which does not fire. */
  readonly notFiredAt?: number;
  /** The rule, in words. */
  readonly rule: string;
}

/** Milliseconds into the day of the fixed wall times a schedule names, or undefined (none). */
function fixedTimesOfDay(schedule: Schedule): number[] | undefined {
  switch (schedule.kind) {
    case "cron":
    case "unix-cron": {
      if (!schedule.spec.fixedTime) return undefined;
      return schedule.spec.hours.flatMap((h) =>
        schedule.spec.minutes.map((m) => h * 3_600_000 + m * 60_000),
      );
    }
    case "rrule": {
      const rule = schedule.rule;
      const hours = rule?.byHour;
      const minutes = rule?.byMinute;
      if (hours !== undefined && minutes !== undefined) {
        const seconds = rule?.bySecond ?? [0];
        return hours.flatMap((h) =>
          minutes.flatMap((m) => seconds.map((s) => (h * 3_600 + m * 60 + s) * 1_000)),
        );
      }
      const match = /T(\d\d):(\d\d):(\d\d)$/.exec(schedule.dtstart ?? "");
      if (match === null || rule?.byHour !== undefined || rule?.byMinute !== undefined) {
        return undefined;
      }
      return [(Number(match[1]) * 3_600 + Number(match[2]) * 60 + Number(match[3])) * 1_000];
    }
    case "rate":
    case "at":
    case "deadline":
      return undefined;
    default: {
      const unreachable: never = schedule;
      return unreachable;
    }
  }
}

/**
 * The DST rule that moved the occurrence at `occurrence` (a wall time in a spring-forward gap)
 * or made it the only one of a repeated wall time, or undefined when none did. Cron fixed
 * times in a gap fire at the end of the gap; rrule times in a gap are read with the offset
 * from before it; a repeated wall time fires the first time only, for both.
 */
export function dstPlacement(schedule: Schedule, occurrence: number): DstPlacement | undefined {
  const times = fixedTimesOfDay(schedule);
  if (times === undefined) return undefined;
  const zone = loadZone(schedule.timezone);
  const wall = toWallTime(occurrence, zone);
  // The occurrence's own day, and the day before (a shifted time can cross midnight).
  for (const dayStart of [Math.floor(wall / DAY) * DAY, Math.floor(wall / DAY) * DAY - DAY]) {
    for (const time of times) {
      const named = dayStart + time;
      const resolved = resolveWallTime(named, zone);
      const wallTime = new Date(named).toISOString().slice(11, 19);
      const day = new Date(named).toISOString().slice(0, 10);
      if (resolved.kind === "gap") {
        const cron = schedule.kind !== "rrule";
        if ((cron ? resolved.gapEnd : resolved.shifted) !== occurrence) continue;
        return {
          kind: "gap",
          wallTime,
          day,
          rule: cron
            ? `${wallTime} did not exist in ${schedule.timezone} on ${day} (clocks jumped forward): a cron fixed time in the gap fires once, at the end of the gap`
            : `${wallTime} did not exist in ${schedule.timezone} on ${day} (clocks jumped forward): an rrule reads it with the offset from before the gap (RFC 5545)`,
        };
      }
      if (resolved.kind === "repeated" && resolved.first === occurrence) {
        return {
          kind: "repeated",
          wallTime,
          day,
          notFiredAt: resolved.second,
          rule: `${wallTime} happened twice in ${schedule.timezone} on ${day} (clocks fell back): it fires the first time only, not again at ${new Date(resolved.second).toISOString()}`,
        };
      }
    }
  }
  return undefined;
}
