/**
 * AWS (EventBridge) cron: `minute hour day-of-month month day-of-week year`, where exactly one
 * of the day fields is `?`, day-of-week counts SUN = 1 … SAT = 7, and the day fields also take
 * `L`, `LW`, `nW` (day-of-month) and `L`, `nL`, `n#k` (day-of-week), each standing alone.
 */
import { InvalidScheduleError } from "../../errors.js";
import {
  COMMON_FIELDS,
  type FieldDefinition,
  fieldError,
  parseFieldValue,
  parseFieldValues,
  splitFields,
  weekdayNames,
} from "./field.js";
import type { CronDays, CronSpec, DayOfMonthRule, DayOfWeekRule } from "./spec.js";

/** The six AWS cron fields, in order. */
const AWS_FIELDS = {
  ...COMMON_FIELDS,
  dayOfWeek: {
    label: "day-of-week",
    min: 1,
    max: 7,
    names: weekdayNames(1),
    allowed: "1-7 (SUN-SAT)",
  },
  year: { label: "year", min: 1970, max: 2199, allowed: "1970-2199" },
} as const satisfies Record<string, FieldDefinition>;

const FIELD_LIST = "minute hour day-of-month month day-of-week year";

function parseDayOfMonth(text: string, expression: string): DayOfMonthRule {
  const definition = AWS_FIELDS.dayOfMonth;
  const upper = text.toUpperCase();
  if (upper === "L") return { kind: "last" };
  if (upper === "LW") return { kind: "lastWeekday" };
  const nearest = /^(\d+)W$/.exec(upper);
  if (nearest !== null) {
    return {
      kind: "nearestWeekday",
      day: parseFieldValue(nearest[1] ?? "", definition, expression),
    };
  }
  if (upper.includes("#")) {
    throw fieldError(
      definition,
      text,
      `cannot use "#": it belongs in day-of-week (e.g. "2#1", the first Monday)`,
      expression,
    );
  }
  if (/[LW]/.test(upper)) {
    throw fieldError(
      definition,
      text,
      `must use "L" and "W" alone: "L" (last day), "LW" (last weekday) or e.g. "15W" (weekday nearest the 15th)`,
      expression,
    );
  }
  return { kind: "days", days: parseFieldValues(text, definition, expression) };
}

function parseDayOfWeek(text: string, expression: string): DayOfWeekRule {
  const definition = AWS_FIELDS.dayOfWeek;
  const upper = text.toUpperCase();
  // `L` alone is the last day of the week, Saturday (as in Quartz, where the syntax comes from).
  if (upper === "L") return { kind: "days", days: [6] };
  const last = /^(\d|[A-Z]{3})L$/.exec(upper);
  if (last !== null) {
    return { kind: "last", weekday: parseFieldValue(last[1] ?? "", definition, expression) - 1 };
  }
  const nth = /^(\d|[A-Z]{3})#(\d+)$/.exec(upper);
  if (nth !== null) {
    const weekday = parseFieldValue(nth[1] ?? "", definition, expression) - 1;
    const week = Number(nth[2]);
    if (week < 1 || week > 5) {
      throw fieldError(
        definition,
        text,
        `has week ${nth[2]} after "#"; it must be 1-5 (e.g. "2#1", the first Monday)`,
        expression,
      );
    }
    return { kind: "nth", weekday, nth: week };
  }
  if (/\d+W|^L?W$/.test(upper)) {
    throw fieldError(
      definition,
      text,
      `cannot use "W": it belongs in day-of-month (e.g. "15W")`,
      expression,
    );
  }
  // No weekday name contains an L, so any L here is a misplaced `L` or `nL`.
  if (upper.includes("#") || upper.includes("L")) {
    throw fieldError(
      definition,
      text,
      `must use "L" and "#" alone: "L" (Saturday), e.g. "6L" (last Friday) or "2#1" (first Monday)`,
      expression,
    );
  }
  const days = parseFieldValues(text, definition, expression).map((day) => day - 1);
  return { kind: "days", days };
}

function parseDays(dayOfMonth: string, dayOfWeek: string, expression: string): CronDays {
  const monthUnset = dayOfMonth === "?";
  const weekUnset = dayOfWeek === "?";
  if (monthUnset === weekUnset) {
    throw new InvalidScheduleError(
      `cron(...) needs exactly one of day-of-month and day-of-week to be "?", got "${dayOfMonth}" and "${dayOfWeek}" (e.g. "0 12 * * ? *" or "0 12 ? * MON-FRI *")`,
      { expression, field: "cron day-of-month" },
    );
  }
  if (weekUnset)
    return { match: "dayOfMonth", dayOfMonth: parseDayOfMonth(dayOfMonth, expression) };
  return { match: "dayOfWeek", dayOfWeek: parseDayOfWeek(dayOfWeek, expression) };
}

/**
 * Parses the inside of an AWS `cron(...)` expression. `expression` is the whole text, quoted
 * in errors; it defaults to `cron(<body>)`. Throws {@link InvalidScheduleError} naming the
 * field and its allowed form.
 *
 * @example
 * ```ts
 * parseAwsCron("0 12 ? * MON-FRI *"); // noon, Monday to Friday
 * ```
 */
export function parseAwsCron(body: string, expression = `cron(${body})`): CronSpec {
  const fields = splitFields(body);
  if (fields.length !== 6) {
    throw new InvalidScheduleError(
      `cron expression needs 6 fields (${FIELD_LIST}), got ${fields.length}`,
      { expression, field: "cron" },
    );
  }
  const [minute = "", hour = "", dayOfMonth = "", month = "", dayOfWeek = "", year = ""] = fields;
  const notDays = [
    [minute, AWS_FIELDS.minute],
    [hour, AWS_FIELDS.hour],
    [month, AWS_FIELDS.month],
    [year, AWS_FIELDS.year],
  ] as const;
  for (const [text, definition] of notDays) {
    if (text.includes("?")) {
      throw fieldError(
        definition,
        text,
        `cannot be "?": only day-of-month or day-of-week can`,
        expression,
      );
    }
  }
  for (const [text, definition] of [
    [dayOfMonth, AWS_FIELDS.dayOfMonth],
    [dayOfWeek, AWS_FIELDS.dayOfWeek],
  ] as const) {
    if (text !== "?" && text.includes("?")) {
      throw fieldError(definition, text, `must use "?" alone`, expression);
    }
  }
  return {
    dialect: "aws",
    fixedTime: !minute.includes("*") && !hour.includes("*"),
    minutes: parseFieldValues(minute, AWS_FIELDS.minute, expression),
    hours: parseFieldValues(hour, AWS_FIELDS.hour, expression),
    months: parseFieldValues(month, AWS_FIELDS.month, expression),
    days: parseDays(dayOfMonth, dayOfWeek, expression),
    years: year === "*" ? null : parseFieldValues(year, AWS_FIELDS.year, expression),
  };
}
