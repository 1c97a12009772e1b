/**
 * Plain-English descriptions of parsed cron expressions, e.g. "at 12:00, Monday through
 * Friday". They are built from the parsed spec, not the text, so equivalent spellings
 * (`1-5`, `MON-FRI`) read the same.
 */
import { MONTH_NAMES_EN, WEEKDAY_NAMES_EN } from "../calendar.js";
import { isFullRange } from "./field.js";
import type { CronDays, CronSpec, DayOfMonthRule, DayOfWeekRule } from "./spec.js";

const ORDINALS = ["first", "second", "third", "fourth", "fifth"];
/** At most this many times of day are listed one by one ("at 08:00, 12:00 and 17:30"). */
const MAX_LISTED_TIMES = 4;

const pad = (value: number): string => String(value).padStart(2, "0");
// Cron numbers weekdays from Sunday (0), the shared names from Monday.
const weekdayName = (weekday: number): string =>
  WEEKDAY_NAMES_EN[(weekday + 6) % 7] ?? String(weekday);
const monthName = (month: number): string => MONTH_NAMES_EN[month - 1] ?? String(month);

/** "a", "a and b", "a, b and c". */
function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** The common step of `values` if they are an arithmetic progression of at least `min`, else 0. */
function stepOf(values: readonly number[], min = 3): number {
  if (values.length < min || values.length < 2) return 0;
  const step = (values[1] ?? 0) - (values[0] ?? 0);
  return values.every((value, i) => i === 0 || value - (values[i - 1] ?? 0) === step) ? step : 0;
}

/** A list of values in words, runs of three or more as ranges: "1 through 5 and 10". */
function listPhrase(values: readonly number[], name: (value: number) => string): string {
  const parts: string[] = [];
  let runStart = 0;
  for (let i = 1; i <= values.length; i++) {
    if (i < values.length && values[i] === (values[i - 1] ?? 0) + 1) continue;
    const first = values[runStart] ?? 0;
    const last = values[i - 1] ?? 0;
    if (last - first >= 2) parts.push(`${name(first)} through ${name(last)}`);
    else for (let j = runStart; j < i; j++) parts.push(name(values[j] ?? 0));
    runStart = i;
  }
  return joinAnd(parts);
}

/**
 * A set of numbered things ("day", "hour", "year"): "day 5", "days 1 and 15", "days 1 through
 * 5", or for a stepped progression "every 2nd day from day 1 through day 31".
 */
function unitPhrase(
  values: readonly number[],
  unit: string,
  name: (value: number) => string = String,
): string {
  const step = stepOf(values);
  const first = values[0] ?? 0;
  const last = values.at(-1) ?? 0;
  if (step > 1)
    return `every ${ordinal(step)} ${unit} from ${unit} ${name(first)} through ${unit} ${name(last)}`;
  return `${unit}${values.length > 1 ? "s" : ""} ${listPhrase(values, name)}`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  const suffix = ["th", "st", "nd", "rd"][n % 10] ?? "th";
  return `${n}${suffix}`;
}

function describeMinutes(minutes: readonly number[]): string {
  if (isFullRange(minutes, 0, 59)) return "every minute";
  const step = stepOf(minutes, 2);
  const first = minutes[0] ?? 0;
  // A step that runs through the whole hour ("*/15", "5/10") reads as a frequency.
  if (step > 1 && first < step && (minutes.at(-1) ?? 0) + step > 59) {
    return first === 0 ? `every ${step} minutes` : `every ${step} minutes from minute ${first}`;
  }
  return `at minute${minutes.length > 1 ? "s" : ""} ${listPhrase(minutes, String)}`;
}

function describeTime(spec: CronSpec): string {
  const { minutes, hours } = spec;
  if (minutes.length * hours.length <= MAX_LISTED_TIMES) {
    const times = hours.flatMap((hour) => minutes.map((minute) => `${pad(hour)}:${pad(minute)}`));
    return `at ${joinAnd(times)}`;
  }
  const minutePart = describeMinutes(minutes);
  if (isFullRange(hours, 0, 23)) {
    return minutePart.startsWith("at ") ? `${minutePart} of every hour` : minutePart;
  }
  const first = hours[0] ?? 0;
  const last = hours.at(-1) ?? 0;
  if (last - first + 1 === hours.length) {
    return `${minutePart}, from ${pad(first)}:00 through ${pad(last)}:59`;
  }
  return `${minutePart}, during ${unitPhrase(hours, "hour")}`;
}

function describeDayOfMonth(rule: DayOfMonthRule): string {
  switch (rule.kind) {
    case "days":
      return isFullRange(rule.days, 1, 31)
        ? "every day"
        : `on ${unitPhrase(rule.days, "day")} of the month`;
    case "last":
      return "on the last day of the month";
    case "lastWeekday":
      return "on the last weekday of the month";
    case "nearestWeekday":
      return `on the weekday nearest day ${rule.day} of the month`;
    default: {
      const unreachable: never = rule;
      return unreachable;
    }
  }
}

function describeDayOfWeek(rule: DayOfWeekRule): string {
  switch (rule.kind) {
    case "days": {
      if (isFullRange(rule.days, 0, 6)) return "every day";
      const phrase = listPhrase(rule.days, weekdayName);
      // "Monday through Friday" reads best bare, as in "at 12:00, Monday through Friday".
      return stepOf(rule.days) === 1 ? phrase : `on ${phrase}`;
    }
    case "last":
      return `on the last ${weekdayName(rule.weekday)} of the month`;
    case "nth":
      return `on the ${ORDINALS[rule.nth - 1]} ${weekdayName(rule.weekday)} of the month`;
    default: {
      const unreachable: never = rule;
      return unreachable;
    }
  }
}

function describeDays(days: CronDays): string {
  switch (days.match) {
    case "dayOfMonth":
      return describeDayOfMonth(days.dayOfMonth);
    case "dayOfWeek":
      return describeDayOfWeek(days.dayOfWeek);
    case "both": {
      const weekdays = days.dayOfWeek.kind === "days" ? days.dayOfWeek.days : [];
      const names = weekdays.map(weekdayName).join(" or ");
      return `${describeDayOfMonth(days.dayOfMonth)}, if it is a ${names}`;
    }
    case "either":
      return `${describeDayOfMonth(days.dayOfMonth)}, and ${describeDayOfWeek(days.dayOfWeek)}`;
    default: {
      const unreachable: never = days;
      return unreachable;
    }
  }
}

/**
 * Describes a parsed cron expression in English: time of day, days, months and years.
 *
 * @example
 * ```ts
 * describeCron(parseAwsCron("0 12 ? * MON-FRI *")); // "at 12:00, Monday through Friday"
 * ```
 */
export function describeCron(spec: CronSpec): string {
  const parts = [describeTime(spec)];
  const days = describeDays(spec.days);
  // "every 15 minutes" needs no "every day"; "at 10:00" does, or it reads like a one-off.
  if (days !== "every day" || /^at \d\d:\d\d/.test(parts[0] ?? "")) parts.push(days);
  const months = spec.months;
  if (!isFullRange(months, 1, 12)) {
    const step = stepOf(months);
    const first = monthName(months[0] ?? 1);
    const last = monthName(months.at(-1) ?? 12);
    parts.push(
      step > 1
        ? `in every ${ordinal(step)} month from ${first} through ${last}`
        : `in ${listPhrase(months, monthName)}`,
    );
  }
  if (spec.years !== null) {
    parts.push(
      stepOf(spec.years) > 1
        ? `in ${unitPhrase(spec.years, "year")}`
        : `in ${listPhrase(spec.years, String)}`,
    );
  }
  return parts.join(", ");
}
