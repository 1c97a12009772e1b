/**
 * English for RFC 5545 rules: "weekly on Monday and Wednesday at 09:00 Europe/Berlin". Every
 * rule part is mentioned; wording favours being unambiguous over being elegant.
 */
import {
  DAY,
  formatWallTime,
  formatWallTimeShort,
  MONTH_NAMES_EN,
  WEEKDAY_NAMES_EN,
} from "../calendar.js";
import { wallTimeOf } from "../local-time.js";
import {
  type RecurrenceRule,
  RRULE_WEEKDAYS,
  type RRuleByDay,
  type RRuleSchedule,
} from "../types.js";

const UNITS = {
  YEARLY: ["yearly", "year"],
  MONTHLY: ["monthly", "month"],
  WEEKLY: ["weekly", "week"],
  DAILY: ["daily", "day"],
  HOURLY: ["hourly", "hour"],
  MINUTELY: ["every minute", "minute"],
  SECONDLY: ["every second", "second"],
} as const;

/** "a", "a and b", "a, b and c"; long lists are cut after six items. */
function list(items: readonly string[]): string {
  const shown = items.length > 8 ? [...items.slice(0, 6), `${items.length - 6} more`] : items;
  return shown.length <= 1
    ? (shown[0] ?? "")
    : `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}

function ordinal(n: number): string {
  if (n === -1) return "last";
  if (n < 0) return `${ordinal(-n)}-to-last`;
  const words = ["first", "second", "third", "fourth", "fifth"];
  if (n <= words.length) return words[n - 1] ?? String(n);
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

function byDayPhrase(day: RRuleByDay): string {
  const name = WEEKDAY_NAMES_EN[RRULE_WEEKDAYS.indexOf(day.weekday)] ?? day.weekday;
  return day.nth === undefined ? name : `the ${ordinal(day.nth)} ${name}`;
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** The times of day the rule fires at, or undefined when they come from an unknown start. */
function timesPhrase(rule: RecurrenceRule, dtstart: number | undefined): string | undefined {
  const coarse = ["YEARLY", "MONTHLY", "WEEKLY", "DAILY"].includes(rule.freq);
  const startTime = dtstart === undefined ? undefined : dtstart - Math.floor(dtstart / DAY) * DAY;
  const fromStart = (unit: number, modulo: number) =>
    startTime === undefined ? undefined : [Math.floor(startTime / unit) % modulo];
  const hours = rule.byHour ?? (coarse ? fromStart(3_600_000, 24) : undefined);
  const minutes =
    rule.byMinute ?? (coarse || rule.freq === "HOURLY" ? fromStart(60_000, 60) : undefined);
  const seconds = rule.bySecond ?? (rule.freq === "SECONDLY" ? undefined : fromStart(1_000, 60));
  if (!coarse) {
    const parts: string[] = [];
    const plural = (word: string, values: readonly number[]) =>
      `${word}${values.length > 1 ? "s" : ""} ${list(values.map(pad2))}`;
    if (rule.byHour) parts.push(`during ${plural("hour", rule.byHour)}`);
    if (rule.freq !== "HOURLY" && rule.byMinute)
      parts.push(`in ${plural("minute", rule.byMinute)}`);
    if (rule.freq === "HOURLY" && minutes) parts.push(`at ${plural("minute", minutes)}`);
    if (rule.bySecond) parts.push(`at ${plural("second", rule.bySecond)}`);
    return parts.join(", ");
  }
  if (hours === undefined || minutes === undefined || seconds === undefined) return undefined;
  const times = hours.flatMap((h) =>
    minutes.flatMap((m) =>
      seconds.map((s) => `${pad2(h)}:${pad2(m)}${s === 0 ? "" : `:${pad2(s)}`}`),
    ),
  );
  return `at ${list(times)}`;
}

/**
 * Describes an rrule schedule.
 *
 * @example
 * describeRRule(parseRRule("DTSTART;TZID=Europe/Berlin:20260105T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE", "UTC"));
 * // "weekly on Monday and Wednesday at 09:00 Europe/Berlin, from 2026-01-05"
 */
export function describeRRule(schedule: RRuleSchedule): string {
  const dtstart = schedule.dtstart === undefined ? undefined : wallTimeOf(schedule.dtstart);
  const parts: string[] = [];
  const rule = schedule.rule;
  if (rule !== undefined) {
    const [adverb, unit] = UNITS[rule.freq];
    const words = [rule.interval === 1 ? adverb : `every ${rule.interval} ${unit}s`];
    if (rule.byWeekNo)
      words.push(
        `in week ${list(rule.byWeekNo.map((n) => (n < 0 ? `${ordinal(n)}` : String(n))))}`,
      );
    if (rule.byYearDay) words.push(`on day ${list(rule.byYearDay.map(String))} of the year`);
    if (rule.byMonthDay) {
      words.push(`on the ${list(rule.byMonthDay.map(ordinal))} day of the month`);
    }
    if (rule.byDay) words.push(`on ${list(rule.byDay.map(byDayPhrase))}`);
    if (rule.byMonth)
      words.push(`in ${list(rule.byMonth.map((m) => MONTH_NAMES_EN[m - 1] ?? String(m)))}`);
    if (rule.bySetPos) {
      words.push(`keeping only the ${list(rule.bySetPos.map(ordinal))} match each ${unit}`);
    }
    const times = timesPhrase(rule, dtstart);
    if (times === undefined) words.push("at the start time");
    else if (times !== "") words.push(times);
    words.push(schedule.timezone);
    parts.push(words.join(" "));
    if (rule.count !== undefined) parts.push(rule.count === 1 ? "once" : `${rule.count} times`);
    if (rule.until !== undefined) {
      const { date, time } = formatWallTimeShort(wallTimeOf(rule.until));
      parts.push(`until ${date} ${time}${rule.until.endsWith("Z") ? " UTC" : ""}`);
    }
  }
  if (dtstart !== undefined && rule !== undefined) {
    parts.push(`from ${formatWallTime(dtstart).slice(0, 10)}`);
  }
  if (schedule.rdates.length > 0) {
    const noun = schedule.rdates.length === 1 ? "date" : "dates";
    parts.push(`${rule === undefined ? "on" : "plus"} ${schedule.rdates.length} listed ${noun}`);
  }
  const excluded = schedule.exdates.length + schedule.exdateDays.length;
  if (excluded > 0) parts.push(`except ${excluded} excluded ${excluded === 1 ? "date" : "dates"}`);
  return parts.join(", ");
}
