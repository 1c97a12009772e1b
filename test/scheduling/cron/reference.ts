/**
 * A brute-force reference for cron fire times: walk every real minute, read its wall clock,
 * and apply Debian cron(8)'s rules literally. Slow and obviously right, the opposite of the
 * evaluator it checks. It reads only a {@link CronModel}, never the parser's output.
 */
import type { TimeZone } from "../../../src/scheduling/zone.js";
import type { AwsDayModel, CronModel } from "./arbitraries.js";

const MINUTE = 60_000;
const DAY = 86_400_000;

function isWeekday(year: number, month: number, day: number): boolean {
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return weekday >= 1 && weekday <= 5;
}

function dayMatches(rule: AwsDayModel, year: number, month: number, day: number): boolean {
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  switch (rule.kind) {
    case "any":
      return true;
    case "values":
      // Day-of-month values and weekday values share the model; the caller knows which.
      return rule.values.has(day);
    case "last":
      return day === lastDay;
    case "lastWeekday": {
      let last = lastDay;
      while (!isWeekday(year, month, last)) last--;
      return day === last;
    }
    case "nearestWeekday": {
      if (rule.day > lastDay) return false;
      // The Monday-Friday day of this month closest to the target day.
      let best = -1;
      for (let candidate = 1; candidate <= lastDay; candidate++) {
        if (!isWeekday(year, month, candidate)) continue;
        if (best === -1 || Math.abs(candidate - rule.day) < Math.abs(best - rule.day)) {
          best = candidate;
        }
      }
      return day === best;
    }
    case "lastOfWeekday":
      return weekday === rule.weekday && day + 7 > lastDay;
    case "nthWeekday":
      return weekday === rule.weekday && Math.ceil(day / 7) === rule.nth;
    default: {
      const unreachable: never = rule;
      return unreachable;
    }
  }
}

function weekdayMatches(rule: AwsDayModel, year: number, month: number, day: number): boolean {
  if (rule.kind !== "values") return dayMatches(rule, year, month, day);
  return rule.values.has(new Date(Date.UTC(year, month - 1, day)).getUTCDay());
}

/** Whether the wall minute `wall` (local time written as if UTC) matches `model`. */
function wallMatcher(model: CronModel): (wall: number) => boolean {
  const dayCache = new Map<number, boolean>();
  const dayOk = (dayIndex: number): boolean => {
    const cached = dayCache.get(dayIndex);
    if (cached !== undefined) return cached;
    const date = new Date(dayIndex * DAY);
    const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    const ofMonth = dayMatches(model.dayOfMonth, year, month, day);
    const ofWeek = weekdayMatches(model.dayOfWeek, year, month, day);
    const ok =
      (model.years === null || model.years.has(year)) &&
      model.months.has(month) &&
      (model.bothDaysMustMatch ? ofMonth && ofWeek : ofMonth || ofWeek);
    dayCache.set(dayIndex, ok);
    return ok;
  };
  return (wall) => {
    const dayIndex = Math.floor(wall / DAY);
    const minuteOfDay = (wall - dayIndex * DAY) / MINUTE;
    return (
      model.minutes.has(minuteOfDay % 60) &&
      model.hours.has(Math.floor(minuteOfDay / 60)) &&
      dayOk(dayIndex)
    );
  };
}

/**
 * The first `count` fire instants of `model` after `after`, looking no further than
 * `until`. A fixed-time expression fires at an instant whose wall time is new (above every
 * wall time shown before) and matches, or that follows a forward jump over a matching wall
 * time; any other expression fires whenever the wall time matches.
 */
export function referenceFireTimes(
  model: CronModel,
  zone: TimeZone,
  after: number,
  until: number,
  count: number,
): number[] {
  const matches = wallMatcher(model);
  const times: number[] = [];
  let highestWall = Number.NEGATIVE_INFINITY;
  // Start two days early so that the highest wall time shown is known at `after`.
  for (let t = Math.floor((after - 2 * DAY) / MINUTE) * MINUTE; t <= until; t += MINUTE) {
    const wall = t + zone.offsetMinutes(t) * MINUTE;
    if (t > after) {
      let fires: boolean;
      if (!model.fixedTime) {
        fires = matches(wall);
      } else if (wall <= highestWall) {
        fires = false; // shown before: clocks went back
      } else {
        fires = matches(wall);
        for (let skipped = highestWall + MINUTE; !fires && skipped < wall; skipped += MINUTE) {
          fires = matches(skipped); // jumped over: clocks went forward
        }
      }
      if (fires) {
        times.push(t);
        if (times.length === count) break;
      }
    }
    highestWall = Math.max(highestWall, wall);
  }
  return times;
}
