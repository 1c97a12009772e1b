/**
 * RFC 5545 recurrence text: `DTSTART`, `RRULE`, `RDATE` and `EXDATE` lines, parsed into an
 * {@link RRuleSchedule}. The time zone is DTSTART's own (`TZID=…`, or UTC for a `Z` time),
 * else the caller's `timezone` option. A bare `FREQ=…` line is read as the RRULE, and a text
 * without DTSTART starts at the evaluation's `start`.
 */
import { InvalidScheduleError } from "../../errors.js";
import { DAY, dateTimeFieldError, formatWallTime, wallTime } from "../calendar.js";
import type { RecurrenceRule, RRuleSchedule } from "../types.js";
import { loadZone, wallTimeToInstant } from "../zone.js";
import { parseRecurrenceRule } from "./parts.js";

const PROPERTIES = ["DTSTART", "RRULE", "RDATE", "EXDATE"] as const;
const EXAMPLE = "DTSTART;TZID=Europe/Berlin:20260105T090000 + RRULE:FREQ=WEEKLY;BYDAY=MO,WE";

/** Whether `text` looks like RFC 5545 recurrence text (rather than another schedule form). */
export function isRRuleText(text: string): boolean {
  return /^(DTSTART|RRULE|RDATE|EXDATE|EXRULE)[;:]|^FREQ=/i.test(text);
}

interface ContentLine {
  readonly name: string;
  readonly params: ReadonlyMap<string, string>;
  readonly value: string;
}

function fail(message: string, expression: string, field: string): never {
  throw new InvalidScheduleError(message, { expression, field });
}

/** Splits text into content lines: real newlines, a literal `\n`, or a space before a name. */
function contentLines(text: string, expression: string): ContentLine[] {
  const unfolded = text.replace(/\r?\n[ \t]/g, "");
  const raw = unfolded
    .split(/\r?\n|\\n|\s+(?=(?:DTSTART|RRULE|RDATE|EXDATE|EXRULE)[;:])/i)
    .map((line) => line.trim())
    .filter((line) => line !== "");
  return raw.map((line) => {
    if (/^FREQ=/i.test(line)) return { name: "RRULE", params: new Map(), value: line };
    const colon = line.indexOf(":");
    const head = colon < 0 ? line : line.slice(0, colon);
    const [nameText = "", ...paramTexts] = head.split(";");
    const name = nameText.toUpperCase();
    if (name === "EXRULE") {
      fail("EXRULE is deprecated by RFC 5545 and not supported; use EXDATE", expression, "EXRULE");
    }
    if (!(PROPERTIES as readonly string[]).includes(name) || colon < 0) {
      fail(
        `rrule line "${line}" is not known; allowed: ${PROPERTIES.join(", ")} lines, e.g. ${EXAMPLE}`,
        expression,
        "rrule",
      );
    }
    const params = new Map<string, string>();
    for (const param of paramTexts) {
      const [key = "", value = ""] = param.split("=", 2);
      const upper = key.toUpperCase();
      if (upper !== "TZID" && upper !== "VALUE") {
        fail(`${name} parameter "${key}" is not supported; allowed: TZID, VALUE`, expression, name);
      }
      params.set(upper, value.replace(/^"(.*)"$/, "$1"));
    }
    return { name, params, value: line.slice(colon + 1).trim() };
  });
}

/** A DATE or DATE-TIME value: its wall time, and whether it is UTC (`Z`) or a date only. */
interface DateValue {
  readonly wall: number;
  readonly utc: boolean;
  readonly dateOnly: boolean;
}

function parseDateValue(line: ContentLine, text: string, expression: string): DateValue {
  const valueType = line.params.get("VALUE")?.toUpperCase();
  if (valueType === "PERIOD") {
    fail(`${line.name};VALUE=PERIOD is not supported; list date-times`, expression, line.name);
  }
  if (valueType !== undefined && valueType !== "DATE" && valueType !== "DATE-TIME") {
    fail(
      `${line.name} VALUE "${valueType}" is not known; allowed: DATE, DATE-TIME`,
      expression,
      line.name,
    );
  }
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(text);
  if (!match || (valueType === "DATE" && match[4] !== undefined)) {
    fail(
      `${line.name} "${text}" must be YYYYMMDDTHHMMSS (local), YYYYMMDDTHHMMSSZ (UTC) or YYYYMMDD, e.g. 20260105T090000`,
      expression,
      line.name,
    );
  }
  const [, y = "", mo = "", d = "", h = "0", mi = "0", s = "0", z = ""] = match;
  const problem = dateTimeFieldError(+y, +mo, +d, +h, +mi, +s);
  if (problem !== undefined) fail(`${line.name} "${text}": ${problem}`, expression, line.name);
  if (z === "Z" && line.params.has("TZID")) {
    fail(
      `${line.name} "${text}" is UTC (ends in Z) and must not have a TZID`,
      expression,
      line.name,
    );
  }
  return {
    wall: wallTime(+y, +mo, +d, +h, +mi, +s),
    utc: z === "Z",
    dateOnly: match[4] === undefined,
  };
}

function zoneParam(line: ContentLine, expression: string): string | undefined {
  const tzid = line.params.get("TZID");
  if (tzid === undefined) return undefined;
  try {
    return loadZone(tzid).name;
  } catch (error) {
    throw new InvalidScheduleError(
      `${line.name} TZID "${tzid}" is not a known IANA time zone name (e.g. "Europe/Berlin", "UTC")`,
      { expression, field: `${line.name} TZID` },
      { cause: error },
    );
  }
}

/** RDATE / EXDATE values as instants (and, for EXDATE;VALUE=DATE, whole local days). */
function dateList(lines: ContentLine[], timezone: string, expression: string) {
  const instants: number[] = [];
  const days: string[] = [];
  for (const line of lines) {
    const zone = loadZone(zoneParam(line, expression) ?? timezone);
    for (const item of line.value.split(",")) {
      const value = parseDateValue(line, item.trim(), expression);
      if (value.dateOnly && line.name === "EXDATE")
        days.push(formatWallTime(value.wall).slice(0, 10));
      else instants.push(value.utc ? value.wall : wallTimeToInstant(value.wall, zone));
    }
  }
  const sorted = [...new Set(instants)].sort((a, b) => a - b);
  return {
    instants: sorted.map((t) => new Date(t).toISOString()),
    days: [...new Set(days)].sort(),
  };
}

/**
 * Parses RFC 5545 recurrence text.
 *
 * @example
 * parseRRule("DTSTART;TZID=Europe/Berlin:20260105T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE", "UTC");
 * // { kind: "rrule", timezone: "Europe/Berlin", dtstart: "2026-01-05T09:00:00", rule: {…}, … }
 */
export function parseRRule(expression: string, timezone: string): RRuleSchedule {
  const lines = contentLines(expression, expression);
  const named = (name: string): ContentLine[] => lines.filter((line) => line.name === name);
  const [dtstartLine, ...extraDtstart] = named("DTSTART");
  const [ruleLine, ...extraRules] = named("RRULE");
  if (extraDtstart.length > 0)
    fail("rrule text has more than one DTSTART line", expression, "DTSTART");
  if (extraRules.length > 0) {
    fail("rrule text has more than one RRULE line; combine them or use RDATE", expression, "RRULE");
  }
  const rdateLines = named("RDATE");
  if (ruleLine === undefined && rdateLines.length === 0) {
    fail(`rrule text has no RRULE (or RDATE) line; e.g. ${EXAMPLE}`, expression, "RRULE");
  }
  let zone = timezone;
  let dtstart: string | undefined;
  if (dtstartLine !== undefined) {
    const value = parseDateValue(dtstartLine, dtstartLine.value, expression);
    zone = value.utc ? "UTC" : (zoneParam(dtstartLine, expression) ?? timezone);
    dtstart = formatWallTime(value.wall);
  }
  const rule: RecurrenceRule | undefined =
    ruleLine === undefined ? undefined : parseRecurrenceRule(ruleLine.value, expression);
  const rdates = dateList(rdateLines, zone, expression);
  const exdates = dateList(named("EXDATE"), zone, expression);
  return {
    kind: "rrule",
    expression,
    timezone: zone,
    ...(dtstart === undefined ? {} : { dtstart }),
    ...(rule === undefined ? {} : { rule }),
    rdates: rdates.instants,
    exdates: exdates.instants,
    exdateDays: exdates.days,
  };
}

/** The day number of an `EXDATE;VALUE=DATE` day (`YYYY-MM-DD`). */
export function exdateDayNumber(day: string): number {
  return Math.floor(wallTime(+day.slice(0, 4), +day.slice(5, 7), +day.slice(8, 10)) / DAY);
}
