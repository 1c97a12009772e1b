import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CronSpec,
  nextCronRun,
  parseAwsCron,
  parseUnixCron,
} from "../../../src/scheduling/cron/index.js";
import { loadZone, type TimeZone } from "../../../src/scheduling/zone.js";
import { awsCron, type CronModel, cronAtHours, unixCron } from "./arbitraries.js";
import { referenceFireTimes } from "./reference.js";

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** How far the reference looks; expressions firing less often are checked to this horizon. */
const HORIZON = 100 * DAY;
const COUNT = 5;

/** The zones of the table tests plus some with odd offsets or odd daylight-saving rules. */
const ZONES = [
  "UTC",
  "America/New_York",
  "Europe/London",
  "Australia/Sydney",
  "Asia/Kolkata",
  "Australia/Lord_Howe",
  "America/Sao_Paulo", // DST at midnight until 2019: whole midnights missing
  "Asia/Kathmandu", // +05:45
  "Pacific/Chatham", // +12:45/+13:45
  "America/Santiago",
  "Africa/Casablanca", // DST suspended during Ramadan
  "Europe/Dublin", // "negative" DST in the tz database
  "America/St_Johns", // -03:30/-02:30
] as const;

const transitionCache = new Map<string, number[]>();

/** The instants in `year` at which `zone`'s offset changes, found hour by hour. */
function transitions(zone: TimeZone, year: number): number[] {
  const key = `${zone.name} ${year}`;
  const cached = transitionCache.get(key);
  if (cached) return cached;
  const found: number[] = [];
  const end = Date.UTC(year + 1, 0, 1);
  for (let t = Date.UTC(year, 0, 1); t < end; t += HOUR) {
    if (zone.offsetMinutes(t) !== zone.offsetMinutes(t + HOUR)) found.push(t + HOUR);
  }
  transitionCache.set(key, found);
  return found;
}

/** A zone and an instant, half of the time within days of one of the zone's offset changes. */
const moment = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    year: fc.integer({ min: 2016, max: 2032 }),
    nearChange: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)),
    pick: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    shift: fc.integer({ min: -2 * 24 * 60, max: 6 * 60 }),
    milliseconds: fc.integer({ min: 0, max: MINUTE - 1 }),
  })
  .map(({ zone: name, year, nearChange, pick, shift, milliseconds }) => {
    const zone = loadZone(name);
    const changes = transitions(zone, year);
    const start = Date.UTC(year, 0, 1);
    const base =
      nearChange && changes.length > 0
        ? (changes[Math.floor(pick * changes.length)] ?? start)
        : start + Math.floor(pick * 365) * DAY;
    return { zone, after: base + shift * MINUTE + milliseconds };
  });

/** Zones that change offset, for aiming expressions at the changes. */
const CHANGING_ZONES = ZONES.filter(
  (name) => !["UTC", "Asia/Kolkata", "Asia/Kathmandu"].includes(name),
);

/**
 * An instant shortly before one of a zone's offset changes, with the local hours around the
 * change: the last hour before it, the first after it, and the hours either side.
 */
const changeMoment = fc
  .record({
    zone: fc.constantFrom(...CHANGING_ZONES),
    year: fc.integer({ min: 2016, max: 2032 }),
    pick: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    lead: fc.integer({ min: 1, max: 36 * 60 }),
  })
  .map(({ zone: name, year, pick, lead }) => {
    const zone = loadZone(name);
    const changes = transitions(zone, year);
    const change = changes[Math.floor(pick * changes.length)] ?? Date.UTC(year, 0, 1);
    const hourAt = (t: number) => new Date(t + zone.offsetMinutes(t) * MINUTE).getUTCHours();
    const hours = new Set<number>();
    // From the hour before the last one shown before the change to the hour after the first
    // one shown after it, wrapping past midnight.
    const first = hourAt(change - MINUTE) + 23;
    const span = (hourAt(change) + 1 - first + 48) % 24;
    for (let i = 0; i <= span; i++) hours.add((first + i) % 24);
    return { zone, after: change - lead * MINUTE, hours: [...hours].sort((a, b) => a - b) };
  });

function parse(model: CronModel): CronSpec {
  return model.dialect === "aws" ? parseAwsCron(model.text) : parseUnixCron(model.text);
}

/** Successive fire times from the evaluator, as a scheduler computes them. */
function evaluatorFireTimes(spec: CronSpec, zone: TimeZone, after: number): (number | undefined)[] {
  const times: (number | undefined)[] = [];
  let previous = after;
  while (times.length < COUNT) {
    const next = nextCronRun(spec, previous, zone);
    times.push(next);
    if (next === undefined) break;
    previous = next;
  }
  return times;
}

function agreesWithReference(model: CronModel, zone: TimeZone, after: number): void {
  const until = after + HORIZON;
  const expected = referenceFireTimes(model, zone, after, until, COUNT);
  const actual = evaluatorFireTimes(parse(model), zone, after);
  const context = `${model.dialect} "${model.text}" in ${zone.name} after ${new Date(after).toISOString()}`;
  const show = (times: readonly (number | undefined)[]) =>
    times.map((t) => (t === undefined ? "none" : new Date(t).toISOString()));
  // Where the reference found a fire time the evaluator must give the same; where it found
  // none before the horizon, neither may the evaluator.
  expect(show(actual.slice(0, expected.length)), context).toEqual(show(expected));
  if (expected.length < COUNT) {
    const beyond = actual[expected.length];
    expect(
      beyond === undefined || beyond > until,
      `${context}: fired early at ${show([beyond])}`,
    ).toBe(true);
  }
  let previous = after;
  for (const time of actual) {
    if (time === undefined) break;
    expect(time, context).toBeGreaterThan(previous);
    expect(time % MINUTE, context).toBe(0);
    previous = time;
  }
}

describe("nextCronRun agrees with a minute-by-minute reference", () => {
  it("for random AWS cron expressions in random zones", () => {
    fc.assert(
      fc.property(awsCron(), moment, (model, { zone, after }) => {
        agreesWithReference(model, zone, after);
      }),
      { numRuns: 150 },
    );
  });

  it("for random Unix cron expressions in random zones", () => {
    fc.assert(
      fc.property(unixCron(), moment, (model, { zone, after }) => {
        agreesWithReference(model, zone, after);
      }),
      { numRuns: 150 },
    );
  });

  it("for expressions aimed at the hours around daylight-saving changes", () => {
    const aimed = changeMoment.chain((moment) =>
      fc
        .constantFrom("aws" as const, "unix" as const)
        .chain((dialect) => cronAtHours(dialect, moment.hours))
        .map((model) => ({ model, moment })),
    );
    fc.assert(
      fc.property(aimed, ({ model, moment: { zone, after } }) => {
        agreesWithReference(model, zone, after);
      }),
      { numRuns: 300 },
    );
  });

  it("returns nothing once an AWS year field has ended", () => {
    fc.assert(
      fc.property(awsCron(), moment, (model, { zone, after }) => {
        const lastYear = model.years === null ? undefined : Math.max(...model.years);
        fc.pre(lastYear !== undefined && lastYear < new Date(after).getUTCFullYear() - 1);
        expect(nextCronRun(parse(model), after, zone)).toBeUndefined();
      }),
      { numRuns: 30 },
    );
  });
});
