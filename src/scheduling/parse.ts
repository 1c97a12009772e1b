/**
 * `parseSchedule`: recognises the expression's form and hands it to that kind's parser. Every
 * refusal is an {@link InvalidScheduleError} naming the field and the allowed form; the cron
 * parsers' messages pass through unchanged.
 */
import { InvalidScheduleError } from "../errors.js";
import { parseAt } from "./at.js";
import { parseAwsCron, parseUnixCron } from "./cron/index.js";
import { parseDeadline } from "./deadline.js";
import { parseRate } from "./rate.js";
import { isRRuleText, parseRRule } from "./rrule/parse.js";
import type { Schedule } from "./types.js";
import { loadZone } from "./zone.js";

/** Options of {@link parseSchedule}. */
export interface ParseScheduleOptions {
  /** IANA time zone the expression is read in (default `UTC`); an rrule's DTSTART may override it. */
  readonly timezone?: string;
}

const FORMS =
  "rate(5 minutes), cron(0 12 ? * MON-FRI *), a 5-field cron such as 0 12 * * 1-5 or @daily, " +
  "at(2026-12-01T10:00:00), deadline(2026-12-01T10:00:00), or RFC 5545 text such as " +
  "DTSTART;TZID=Europe/Berlin:20260105T090000 + RRULE:FREQ=WEEKLY;BYDAY=MO,WE";

const WRAPPED = ["rate", "cron", "at", "deadline"] as const;

/**
 * Parses a schedule expression into a typed {@link Schedule}.
 *
 * @throws InvalidScheduleError when the expression or the time zone is not valid.
 * @example
 * parseSchedule("rate(5 minutes)"); // { kind: "rate", value: 5, unit: "minute", … }
 * parseSchedule("cron(0 12 ? * MON-FRI *)", { timezone: "Europe/Berlin" }).kind; // "cron"
 * parseSchedule("DTSTART;TZID=Europe/Berlin:20260105T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE");
 */
export function parseSchedule(expression: string, options: ParseScheduleOptions = {}): Schedule {
  if (typeof expression !== "string") {
    throw new InvalidScheduleError(`schedule expression must be a string; expected ${FORMS}`, {
      field: "expression",
    });
  }
  if (options.timezone !== undefined && typeof options.timezone !== "string") {
    throw new InvalidScheduleError(
      "timezone must be an IANA time zone name such as Europe/Berlin, or absent for UTC",
      { field: "timezone" },
    );
  }
  const text = expression.trim();
  const timezone = loadZone(options.timezone ?? "UTC").name;
  if (text === "") {
    throw new InvalidScheduleError(`schedule expression is empty; expected ${FORMS}`, {
      expression,
      field: "expression",
    });
  }
  const call = /^([a-z]+)\s*\(/i.exec(text);
  const name = call?.[1]?.toLowerCase();
  if (call && (WRAPPED as readonly string[]).includes(name ?? "")) {
    if (!text.endsWith(")")) {
      throw new InvalidScheduleError(`${name}(...) is missing its closing parenthesis`, {
        expression: text,
        field: "expression",
      });
    }
    if (call[1] !== name) {
      throw new InvalidScheduleError(
        `schedule kind "${call[1]}" must be written in lower case: ${name}(...)`,
        {
          expression: text,
          field: "expression",
        },
      );
    }
    const body = text.slice(call[0].length, -1);
    switch (name) {
      case "rate":
        return parseRate(body, text, timezone);
      case "cron":
        return { kind: "cron", expression: text, timezone, spec: parseAwsCron(body.trim(), text) };
      case "at":
        return parseAt(body, text, timezone);
      default:
        return parseDeadline(body, text, timezone);
    }
  }
  if (isRRuleText(text)) return parseRRule(text, timezone);
  // A cron's first field (minutes) is digits, `*`, `,`, `-` or `/`; anything else is not cron.
  if (!call && (text.startsWith("@") || /^[\d*,/-]+(\s+\S+)+$/.test(text))) {
    return { kind: "unix-cron", expression: text, timezone, spec: parseUnixCron(text) };
  }
  throw new InvalidScheduleError(
    `schedule expression "${text}" is not a known form; expected ${FORMS}`,
    {
      expression: text,
      field: "expression",
    },
  );
}
