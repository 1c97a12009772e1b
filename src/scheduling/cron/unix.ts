/**
 * Unix cron as Vixie/Debian cron(5) reads it: `minute hour day-of-month month day-of-week`,
 * day-of-week 0-7 with both 0 and 7 meaning Sunday, names in any case, and the `@` macros;
 * `a/n` is `a-max/n`, as cronie reads it (so `5/2` in day-of-week is Friday and Sunday).
 * When both day fields are restricted (neither starts with `*`) a day matches if either does;
 * otherwise both must match, a field that is exactly `*` matching every day.
 */
import { InvalidScheduleError } from "../../errors.js";
import {
  COMMON_FIELDS,
  type FieldDefinition,
  fieldError,
  isFullRange,
  parseFieldValues,
  splitFields,
  weekdayNames,
} from "./field.js";
import type { CronDays, CronSpec } from "./spec.js";

/** The five Unix cron fields, in order. */
const UNIX_FIELDS = {
  ...COMMON_FIELDS,
  dayOfWeek: {
    label: "day-of-week",
    min: 0,
    max: 7,
    names: weekdayNames(0),
    allowed: "0-7 (SUN-SAT; 0 and 7 are Sunday)",
  },
} as const satisfies Record<string, FieldDefinition>;

/** The macros cron(5) defines, as the five fields they stand for. */
const MACROS: Readonly<Record<string, string>> = Object.freeze({
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
});
const MACRO_LIST = Object.keys(MACROS).join(", ");
const FIELD_LIST = "minute hour day-of-month month day-of-week";

function expandMacro(macro: string, expression: string): string {
  const lower = macro.toLowerCase();
  const fields = MACROS[lower];
  if (fields !== undefined) return fields;
  const problem =
    lower === "@reboot"
      ? `runs once when the cron daemon starts, which is not a schedule`
      : `is not a cron macro`;
  throw new InvalidScheduleError(`cron macro "${macro}" ${problem}; use one of ${MACRO_LIST}`, {
    expression,
    field: "cron macro",
  });
}

/** Refuses syntax that belongs to other cron dialects, with a hint instead of "not a number". */
function refuseForeignSyntax(text: string, definition: FieldDefinition, expression: string): void {
  if (text.includes("?")) {
    throw fieldError(definition, text, `cannot be "?" in Unix cron; use "*"`, expression);
  }
  const isDayField = definition.label.startsWith("day");
  if (isDayField && /(^|,)(\d*L|\d+W|LW|\w+#\d+)(,|$)/i.test(text)) {
    throw fieldError(
      definition,
      text,
      `uses "L", "W" or "#", which only AWS cron(...) expressions have`,
      expression,
    );
  }
}

function parseDays(dayOfMonth: string, dayOfWeek: string, expression: string): CronDays {
  const monthDays = parseFieldValues(dayOfMonth, UNIX_FIELDS.dayOfMonth, expression);
  // Day 7 is Sunday again; fold it onto 0.
  const weekdays = [
    ...new Set(
      parseFieldValues(dayOfWeek, UNIX_FIELDS.dayOfWeek, expression).map((day) => day % 7),
    ),
  ].sort((a, b) => a - b);
  const everyMonthDay = isFullRange(monthDays, 1, 31);
  const everyWeekday = isFullRange(weekdays, 0, 6);
  const dayOfMonthRule = { kind: "days", days: monthDays } as const;
  const dayOfWeekRule = { kind: "days", days: weekdays } as const;
  if (dayOfMonth.startsWith("*") || dayOfWeek.startsWith("*")) {
    // Both must match; a field selecting every day leaves the decision to the other.
    if (everyMonthDay) return { match: "dayOfWeek", dayOfWeek: dayOfWeekRule };
    if (everyWeekday) return { match: "dayOfMonth", dayOfMonth: dayOfMonthRule };
    return { match: "both", dayOfMonth: dayOfMonthRule, dayOfWeek: dayOfWeekRule };
  }
  // Either may match; a field selecting every day makes every day match.
  if (everyMonthDay) return { match: "dayOfMonth", dayOfMonth: dayOfMonthRule };
  if (everyWeekday) return { match: "dayOfWeek", dayOfWeek: dayOfWeekRule };
  return { match: "either", dayOfMonth: dayOfMonthRule, dayOfWeek: dayOfWeekRule };
}

/**
 * Parses a Unix (Vixie/Debian cron(5)) expression: five fields or a macro such as `@daily`.
 * Throws {@link InvalidScheduleError} naming the field and its allowed form.
 *
 * @example
 * ```ts
 * parseUnixCron("0 4 8-14 * sat"); // 04:00 on the 8th-14th of each month, and on Saturdays
 * ```
 */
export function parseUnixCron(expression: string): CronSpec {
  const trimmed = expression.trim();
  const text = trimmed.startsWith("@") ? expandMacro(trimmed, expression) : trimmed;
  const fields = splitFields(text);
  if (fields.length !== 5) {
    throw new InvalidScheduleError(
      `cron expression needs 5 fields (${FIELD_LIST}) or a macro (${MACRO_LIST}), got ${fields.length}`,
      { expression, field: "cron" },
    );
  }
  const [minute = "", hour = "", dayOfMonth = "", month = "", dayOfWeek = ""] = fields;
  const definitions = [
    UNIX_FIELDS.minute,
    UNIX_FIELDS.hour,
    UNIX_FIELDS.dayOfMonth,
    UNIX_FIELDS.month,
    UNIX_FIELDS.dayOfWeek,
  ];
  fields.forEach((field, i) => {
    const definition = definitions[i];
    if (definition !== undefined) refuseForeignSyntax(field, definition, expression);
  });
  return {
    dialect: "unix",
    fixedTime: !minute.includes("*") && !hour.includes("*"),
    minutes: parseFieldValues(minute, UNIX_FIELDS.minute, expression),
    hours: parseFieldValues(hour, UNIX_FIELDS.hour, expression),
    months: parseFieldValues(month, UNIX_FIELDS.month, expression),
    days: parseDays(dayOfMonth, dayOfWeek, expression),
    years: null,
  };
}
