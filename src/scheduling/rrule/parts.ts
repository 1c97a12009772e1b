/**
 * The `RRULE` value of RFC 5545 §3.3.10: parsed part by part, checked against the RFC's
 * ranges and its "MUST NOT" combinations, and normalised (lists sorted and deduplicated) into
 * a {@link RecurrenceRule}. Every refusal names the part and the allowed form.
 */
import { InvalidScheduleError } from "../../errors.js";
import { dateTimeFieldError } from "../calendar.js";
import {
  type RecurrenceRule,
  RRULE_FREQUENCIES,
  RRULE_WEEKDAYS,
  type RRuleByDay,
  type RRuleFrequency,
  type RRuleWeekday,
} from "../types.js";

/** Every rule part RFC 5545 defines, in the RFC's order. */
const RRULE_PARTS = [
  "FREQ",
  "UNTIL",
  "COUNT",
  "INTERVAL",
  "BYSECOND",
  "BYMINUTE",
  "BYHOUR",
  "BYDAY",
  "BYMONTHDAY",
  "BYYEARDAY",
  "BYWEEKNO",
  "BYMONTH",
  "BYSETPOS",
  "WKST",
] as const;
type RRulePart = (typeof RRULE_PARTS)[number];

/** Numeric list parts: allowed magnitude range and whether negatives (from the end) count. */
const NUMERIC_LISTS = {
  BYSECOND: { key: "bySecond", min: 0, max: 59, signed: false },
  BYMINUTE: { key: "byMinute", min: 0, max: 59, signed: false },
  BYHOUR: { key: "byHour", min: 0, max: 23, signed: false },
  BYMONTHDAY: { key: "byMonthDay", min: 1, max: 31, signed: true },
  BYYEARDAY: { key: "byYearDay", min: 1, max: 366, signed: true },
  BYWEEKNO: { key: "byWeekNo", min: 1, max: 53, signed: true },
  BYMONTH: { key: "byMonth", min: 1, max: 12, signed: false },
  BYSETPOS: { key: "bySetPos", min: 1, max: 366, signed: true },
} as const;
type NumericListPart = keyof typeof NUMERIC_LISTS;

const WEEKDAY_LIST = RRULE_WEEKDAYS.join(", ");

function fail(message: string, expression: string, part: string): never {
  throw new InvalidScheduleError(message, { expression, field: `RRULE ${part}` });
}

function rangeText(part: NumericListPart): string {
  const { min, max, signed } = NUMERIC_LISTS[part];
  return signed ? `${min}-${max} or -${max}--${min}` : `${min}-${max}`;
}

function parseNumericList(part: NumericListPart, text: string, expression: string): number[] {
  const { min, max, signed } = NUMERIC_LISTS[part];
  const values = text.split(",").map((item) => {
    const valid = signed ? /^[+-]?\d{1,4}$/ : /^\+?\d{1,4}$/;
    const n = Number(item);
    if (!valid.test(item) || Math.abs(n) < min || Math.abs(n) > max) {
      fail(`RRULE ${part} "${item}" is out of range ${rangeText(part)}`, expression, part);
    }
    return n;
  });
  return [...new Set(values)].sort((a, b) => a - b);
}

function parseWeekday(text: string, expression: string, part: string): RRuleWeekday {
  const code = text.toUpperCase();
  if (!(RRULE_WEEKDAYS as readonly string[]).includes(code)) {
    fail(`RRULE ${part} "${text}" is not a weekday; allowed: ${WEEKDAY_LIST}`, expression, part);
  }
  return code as RRuleWeekday;
}

function parseByDay(text: string, expression: string): RRuleByDay[] {
  const seen = new Map<string, RRuleByDay>();
  for (const item of text.split(",")) {
    const match = /^([+-]?\d{1,2})?([A-Za-z]{2})$/.exec(item);
    const nth = match?.[1] === undefined ? undefined : Number(match[1]);
    if (!match || (nth !== undefined && (nth === 0 || Math.abs(nth) > 53))) {
      fail(
        `RRULE BYDAY "${item}" must be a weekday (${WEEKDAY_LIST}) optionally preceded by 1-53 or -53--1, e.g. MO or -1FR`,
        expression,
        "BYDAY",
      );
    }
    const weekday = parseWeekday(match[2] ?? "", expression, "BYDAY");
    const entry: RRuleByDay = nth === undefined ? { weekday } : { weekday, nth };
    seen.set(`${weekday}${nth ?? ""}`, entry);
  }
  const order = (d: RRuleByDay): number => RRULE_WEEKDAYS.indexOf(d.weekday) * 200 + (d.nth ?? 0);
  return [...seen.values()].sort((a, b) => order(a) - order(b));
}

function parseWholeNumber(part: string, text: string, expression: string): number {
  const n = Number(text);
  if (!/^\d{1,9}$/.test(text) || n < 1) {
    fail(`RRULE ${part} "${text}" must be a whole number ≥ 1`, expression, part);
  }
  return n;
}

/** `YYYYMMDD`, `YYYYMMDDTHHMMSS` or `…Z` → `YYYY-MM-DDTHH:MM:SS[Z]`; a date ends its day. */
function parseUntil(text: string, expression: string): string {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(text);
  if (!match) {
    fail(
      `RRULE UNTIL "${text}" must be YYYYMMDD, YYYYMMDDTHHMMSS or YYYYMMDDTHHMMSSZ, e.g. 20261231T235959Z`,
      expression,
      "UNTIL",
    );
  }
  const [, y = "", mo = "", d = "", h = "23", mi = "59", s = "59", z = ""] = match;
  const problem = dateTimeFieldError(+y, +mo, +d, +h, +mi, +s);
  if (problem !== undefined) fail(`RRULE UNTIL "${text}": ${problem}`, expression, "UNTIL");
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${z}`;
}

/** The largest COUNT: the occurrences a COUNT-limited rule keeps in memory (rrule/next.ts). */
export const MAX_COUNT = 100_000;

/** RFC 5545 "MUST NOT"s between parts, checked once every part is known. */
function checkCombinations(rule: RecurrenceRule, expression: string): void {
  const { freq } = rule;
  // COUNT numbers occurrences from DTSTART, so each search walks up to COUNT of them.
  if (rule.count !== undefined && rule.count > MAX_COUNT) {
    fail(
      `RRULE COUNT ${rule.count} is over ${MAX_COUNT}; use UNTIL to end a longer rule`,
      expression,
      "COUNT",
    );
  }
  if (rule.count !== undefined && rule.until !== undefined) {
    fail("RRULE COUNT and UNTIL must not both be given; keep one", expression, "COUNT");
  }
  if (rule.byWeekNo && freq !== "YEARLY") {
    fail(`RRULE BYWEEKNO is only allowed with FREQ=YEARLY, not ${freq}`, expression, "BYWEEKNO");
  }
  if (rule.byYearDay && (freq === "DAILY" || freq === "WEEKLY" || freq === "MONTHLY")) {
    fail(
      `RRULE BYYEARDAY is not allowed with FREQ=${freq}; allowed with YEARLY, HOURLY, MINUTELY, SECONDLY`,
      expression,
      "BYYEARDAY",
    );
  }
  if (rule.byMonthDay && freq === "WEEKLY") {
    fail("RRULE BYMONTHDAY is not allowed with FREQ=WEEKLY", expression, "BYMONTHDAY");
  }
  const numbered = rule.byDay?.find((d) => d.nth !== undefined);
  if (numbered && freq !== "MONTHLY" && freq !== "YEARLY") {
    fail(
      `RRULE BYDAY "${numbered.nth}${numbered.weekday}" has a number, which is only allowed with FREQ=MONTHLY or YEARLY; use ${numbered.weekday}`,
      expression,
      "BYDAY",
    );
  }
  if (numbered && rule.byWeekNo) {
    fail(
      `RRULE BYDAY "${numbered.nth}${numbered.weekday}" has a number, which is not allowed together with BYWEEKNO`,
      expression,
      "BYDAY",
    );
  }
  const limiting = [
    rule.bySecond,
    rule.byMinute,
    rule.byHour,
    rule.byDay,
    rule.byMonthDay,
    rule.byYearDay,
    rule.byWeekNo,
    rule.byMonth,
  ];
  if (rule.bySetPos && limiting.every((list) => list === undefined)) {
    fail("RRULE BYSETPOS needs another BY* part to select from", expression, "BYSETPOS");
  }
}

/**
 * Parses an RRULE value such as `FREQ=WEEKLY;BYDAY=MO,WE` (part names are case-insensitive).
 *
 * @example
 * parseRecurrenceRule("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "…").bySetPos; // [-1]
 */
export function parseRecurrenceRule(text: string, expression: string): RecurrenceRule {
  const values = new Map<RRulePart, string>();
  for (const item of text.split(";")) {
    if (item.trim() === "") continue;
    const eq = item.indexOf("=");
    const name = (eq < 0 ? item : item.slice(0, eq)).trim().toUpperCase();
    if (!(RRULE_PARTS as readonly string[]).includes(name)) {
      fail(
        `RRULE part "${name}" is not known; allowed: ${RRULE_PARTS.join(", ")}`,
        expression,
        name,
      );
    }
    const part = name as RRulePart;
    const value = eq < 0 ? "" : item.slice(eq + 1).trim();
    if (value === "") fail(`RRULE ${part} has no value, e.g. ${part}=…`, expression, part);
    if (values.has(part)) fail(`RRULE ${part} is given more than once`, expression, part);
    values.set(part, value);
  }
  const freqText = values.get("FREQ");
  if (freqText === undefined) {
    fail(
      `RRULE has no FREQ; it needs one of ${Object.keys(RRULE_FREQUENCIES).join(", ")}, e.g. FREQ=WEEKLY;BYDAY=MO`,
      expression,
      "FREQ",
    );
  }
  const freq = freqText.toUpperCase();
  if (!Object.hasOwn(RRULE_FREQUENCIES, freq)) {
    fail(
      `RRULE FREQ "${freqText}" is not known; allowed: ${Object.keys(RRULE_FREQUENCIES).join(", ")}`,
      expression,
      "FREQ",
    );
  }
  const list = (part: NumericListPart): { readonly [key: string]: number[] } => {
    const raw = values.get(part);
    return raw === undefined
      ? {}
      : { [NUMERIC_LISTS[part].key]: parseNumericList(part, raw, expression) };
  };
  const count = values.get("COUNT");
  const until = values.get("UNTIL");
  const interval = values.get("INTERVAL");
  const byDay = values.get("BYDAY");
  const rule: RecurrenceRule = {
    freq: freq as RRuleFrequency,
    interval: interval === undefined ? 1 : parseWholeNumber("INTERVAL", interval, expression),
    ...(count === undefined ? {} : { count: parseWholeNumber("COUNT", count, expression) }),
    ...(until === undefined ? {} : { until: parseUntil(until, expression) }),
    ...list("BYSECOND"),
    ...list("BYMINUTE"),
    ...list("BYHOUR"),
    ...(byDay === undefined ? {} : { byDay: parseByDay(byDay, expression) }),
    ...list("BYMONTHDAY"),
    ...list("BYYEARDAY"),
    ...list("BYWEEKNO"),
    ...list("BYMONTH"),
    ...list("BYSETPOS"),
    wkst: parseWeekday(values.get("WKST") ?? "MO", expression, "WKST"),
  };
  checkCombinations(rule, expression);
  return rule;
}
