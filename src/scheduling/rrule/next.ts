/**
 * When an {@link RRuleSchedule} next fires: the rule is expanded on floating wall times
 * (recurrence.ts), each wall time is read in the schedule's zone the RFC 5545 §3.3.5 way
 * (zone.ts `instantOfResolution`: a time skipped by a gap is read with the offset from before
 * it, 02:30 → 03:30; a repeated time is its first occurrence), RDATEs are merged in and
 * EXDATEs taken out.
 *
 * Wall order is real-time order except next to a gap: a shifted 02:30 (03:30 real time) comes
 * *after* 03:15, which the clocks showed earlier. So the search starts a little early (the
 * least UTC offset around `after`) and, when its first hit is a shifted time, also looks at
 * the wall times that real time reaches before it.
 */
import { DAY, MINUTE, SECOND } from "../calendar.js";
import { wallTimeOf } from "../local-time.js";
import type { RRuleSchedule } from "../types.js";
import {
  instantOfResolution,
  loadZone,
  resolveWallTime,
  type TimeZone,
  toWallTime,
} from "../zone.js";
import { exdateDayNumber } from "./parse.js";
import { type CompiledRule, compileRule, wallOccurrences } from "./recurrence.js";

/** A schedule ready to evaluate for one DTSTART. */
interface Evaluation {
  readonly dtstart: number;
  readonly rule: CompiledRule | undefined;
  /** UNTIL when it is a UTC instant (the rule's `endWall` is then a widened bound). */
  readonly untilInstant: number | undefined;
  readonly rdates: readonly number[];
  readonly exdates: ReadonlySet<number>;
  readonly exdateDays: ReadonlySet<number>;
  /** COUNT-limited rules: the wall times found so far (all of them once `complete`). */
  counted: number[];
  countCursor: Iterator<number> | undefined;
  /** A wall time from which the rule is known to produce nothing (a search found none). */
  emptyFrom: number;
}

const evaluations = new WeakMap<RRuleSchedule, Map<number, Evaluation>>();

function offsetsAround(zone: TimeZone, instant: number): number[] {
  return [-DAY, 0, DAY].map((d) => zone.offsetMinutes(instant + d));
}

function evaluationFor(schedule: RRuleSchedule, dtstart: number, zone: TimeZone): Evaluation {
  let byStart = evaluations.get(schedule);
  if (byStart === undefined) {
    byStart = new Map();
    evaluations.set(schedule, byStart);
  }
  const cached = byStart.get(dtstart);
  if (cached !== undefined) return cached;
  const { rule } = schedule;
  let endWall = Number.POSITIVE_INFINITY;
  let untilInstant: number | undefined;
  if (rule?.until !== undefined) {
    const wall = wallTimeOf(rule.until);
    if (rule.until.endsWith("Z")) {
      untilInstant = wall;
      endWall = wall + Math.max(...offsetsAround(zone, wall)) * MINUTE;
    } else {
      endWall = wall;
    }
  }
  const evaluation: Evaluation = {
    dtstart,
    rule: rule === undefined ? undefined : compileRule(rule, dtstart, endWall),
    untilInstant,
    rdates: schedule.rdates.map((iso) => Date.parse(iso)),
    exdates: new Set(schedule.exdates.map((iso) => Date.parse(iso))),
    exdateDays: new Set(schedule.exdateDays.map(exdateDayNumber)),
    counted: [],
    countCursor: undefined,
    emptyFrom: Number.POSITIVE_INFINITY,
  };
  // Schedules without DTSTART get one entry per start; keep the cache from growing unbounded.
  if (byStart.size >= 16) byStart.clear();
  byStart.set(dtstart, evaluation);
  return evaluation;
}

/** COUNT-limited rules keep at most this many wall times; past them they regenerate. */
const COUNT_CACHE = 100_000;

/** The rule's wall times strictly after `lowerWall`, ascending, honouring COUNT. */
function* wallsAfter(e: Evaluation, count: number | undefined, lowerWall: number) {
  const rule = e.rule;
  if (rule === undefined) return;
  if (count === undefined) {
    // A rule that never matches (BYMONTH=2;BYMONTHDAY=30) costs one full search, not one each.
    let found = false;
    for (const wall of wallOccurrences(rule, lowerWall + 1, e.emptyFrom)) {
      found = true;
      yield wall;
    }
    if (!found) e.emptyFrom = Math.min(e.emptyFrom, lowerWall + 1);
    return;
  }
  // COUNT numbers occurrences from DTSTART, so they are generated from there once and kept.
  e.countCursor ??= wallOccurrences(rule, rule.dtstart);
  const cached = e.counted;
  let low = 0;
  let high = cached.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((cached[mid] ?? 0) > lowerWall) high = mid;
    else low = mid + 1;
  }
  for (let i = low; i < count; i++) {
    if (i >= cached.length && cached.length < COUNT_CACHE) {
      const next = e.countCursor.next();
      if (next.done) return;
      cached.push(next.value);
    }
    if (i >= cached.length) {
      // Past the cache: continue the (strictly increasing) sequence without storing it.
      const rest = wallOccurrences(rule, (cached[cached.length - 1] ?? rule.dtstart) + 1);
      for (let j = cached.length; j < count; j++) {
        const next = rest.next();
        if (next.done) return;
        if (next.value > lowerWall) yield next.value;
      }
      return;
    }
    const wall = cached[i] ?? 0;
    if (wall > lowerWall) yield wall;
  }
}

function isExcluded(e: Evaluation, instant: number, wall: number): boolean {
  return e.exdates.has(instant) || e.exdateDays.has(Math.floor(wall / DAY));
}

function nextRuleInstant(e: Evaluation, schedule: RRuleSchedule, zone: TimeZone, after: number) {
  const lowerWall = after + Math.min(...offsetsAround(zone, after)) * MINUTE;
  const accept = (instant: number, wall: number): boolean =>
    instant > after &&
    !isExcluded(e, instant, wall) &&
    (e.untilInstant === undefined || instant <= e.untilInstant);
  const walls = wallsAfter(e, schedule.rule?.count, lowerWall);
  for (let step = walls.next(); !step.done; step = walls.next()) {
    const wall = step.value;
    const resolved = resolveWallTime(wall, zone);
    const instant = instantOfResolution(resolved);
    if (!accept(instant, wall)) continue;
    if (resolved.kind !== "gap") return instant;
    // Wall times after the gap, up to this shifted instant's wall time at the new offset,
    // happen earlier in real time.
    let best = instant;
    const limit = instant + zone.offsetMinutes(resolved.gapEnd) * MINUTE;
    for (let more = walls.next(); !more.done && more.value < limit; more = walls.next()) {
      const candidate = instantOfResolution(resolveWallTime(more.value, zone));
      if (candidate < best && accept(candidate, more.value)) best = candidate;
    }
    return best;
  }
  return undefined;
}

/**
 * The first instant strictly after `afterMs` at which `schedule` fires, or undefined when it
 * has ended. `startMs` is the DTSTART of a text without one (default `afterMs`).
 */
export function nextRRuleRun(
  schedule: RRuleSchedule,
  afterMs: number,
  startMs: number | undefined,
): number | undefined {
  const zone = loadZone(schedule.timezone);
  const dtstart =
    schedule.dtstart === undefined
      ? Math.floor(toWallTime(startMs ?? afterMs, zone) / SECOND) * SECOND
      : wallTimeOf(schedule.dtstart);
  const e = evaluationFor(schedule, dtstart, zone);
  const fromRule = nextRuleInstant(e, schedule, zone, afterMs);
  const fromDates = e.rdates.find(
    (instant) => instant > afterMs && !isExcluded(e, instant, toWallTime(instant, zone)),
  );
  if (fromRule === undefined) return fromDates;
  return fromDates === undefined ? fromRule : Math.min(fromRule, fromDates);
}
