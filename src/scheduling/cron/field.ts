/**
 * The part of cron syntax both dialects share: a field is a comma-separated list of `*`,
 * values, ranges `a-b` and steps `*\/n`, `a-b/n` or `a/n`, values being numbers or names.
 * `a/n` is `a-max/n` in both: AWS documents it, and for Unix cron cronie, croner and
 * cron-parser read it so (Debian's cron(5) leaves it out, but refusing it only hurts). Errors
 * name the field and the allowed form.
 */
import { InvalidScheduleError } from "../../errors.js";

/** What one cron field accepts. */
export interface FieldDefinition {
  /** The field's name in messages: `minute`, `day-of-week`… */
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** Upper-case names and their values (`JAN` → 1), if the field has names. */
  readonly names?: Readonly<Record<string, number>>;
  /** The allowed values as shown to users, e.g. `1-7 (SUN-SAT)`. */
  readonly allowed: string;
}

/** Builds the error for a field: `cron <label> "<text>" <problem>`. */
export function fieldError(
  definition: Pick<FieldDefinition, "label">,
  text: string,
  problem: string,
  expression: string,
): InvalidScheduleError {
  return new InvalidScheduleError(`cron ${definition.label} "${text}" ${problem}`, {
    expression,
    field: `cron ${definition.label}`,
  });
}

const DIGITS = /^\d+$/;

/** Reads one value (a number or a name) and checks its range. */
export function parseFieldValue(
  token: string,
  definition: FieldDefinition,
  expression: string,
): number {
  let value: number | undefined;
  if (DIGITS.test(token)) value = Number(token);
  else if (definition.names !== undefined && Object.hasOwn(definition.names, token.toUpperCase())) {
    value = definition.names[token.toUpperCase()];
  }
  if (value === undefined) {
    const kind = definition.names === undefined ? "a number" : "a number or a name";
    throw fieldError(
      definition,
      token,
      `is not ${kind}; expected ${definition.allowed}`,
      expression,
    );
  }
  if (value < definition.min || value > definition.max) {
    throw fieldError(definition, token, `is out of range ${definition.allowed}`, expression);
  }
  return value;
}

function parseStep(
  step: string,
  term: string,
  definition: FieldDefinition,
  expression: string,
): number {
  if (!DIGITS.test(step) || Number(step) < 1) {
    throw fieldError(
      definition,
      term,
      `has a bad step "${step}": a step must be a whole number of at least 1`,
      expression,
    );
  }
  return Number(step);
}

/** Parses one comma-separated term into the values it selects, appending them to `into`. */
function parseTerm(
  term: string,
  definition: FieldDefinition,
  expression: string,
  into: Set<number>,
): void {
  const slash = term.split("/");
  if (slash.length > 2 || term === "") {
    throw fieldError(definition, term, `is not a value, range or step`, expression);
  }
  const [range = "", stepText] = slash;
  const step = stepText === undefined ? 1 : parseStep(stepText, term, definition, expression);
  let low: number;
  let high: number;
  if (range === "*") {
    low = definition.min;
    high = definition.max;
  } else {
    const bounds = range.split("-");
    if (bounds.length > 2 || bounds.some((bound) => bound === "")) {
      throw fieldError(definition, term, `is not a value, range or step`, expression);
    }
    low = parseFieldValue(bounds[0] ?? "", definition, expression);
    if (bounds.length === 2) {
      high = parseFieldValue(bounds[1] ?? "", definition, expression);
      if (high < low) {
        throw fieldError(
          definition,
          term,
          `is a range that ends before it starts; write it from the smaller value`,
          expression,
        );
      }
    } else if (stepText === undefined) {
      high = low;
    } else {
      // `a/n` runs to the field's maximum: day-of-week 7 in Unix cron, Sunday again (as cronie).
      high = definition.max;
    }
  }
  for (let value = low; value <= high; value += step) into.add(value);
}

/** Parses a whole field of values, ranges, steps and lists into ascending unique values. */
export function parseFieldValues(
  text: string,
  definition: FieldDefinition,
  expression: string,
): number[] {
  const values = new Set<number>();
  for (const term of text.split(",")) parseTerm(term, definition, expression, values);
  return [...values].sort((a, b) => a - b);
}

/** Whether `values` is every value from `min` to `max`. */
export function isFullRange(values: readonly number[], min: number, max: number): boolean {
  return values.length === max - min + 1 && values[0] === min && values.at(-1) === max;
}

/** Names of months, for both dialects. */
const MONTH_NAMES: Readonly<Record<string, number>> = Object.freeze({
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12,
});

/** Three-letter weekday names, Sunday first. */
const WEEKDAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;

/** Weekday names mapped to `first + index` (AWS numbers Sunday 1, cron(5) numbers it 0). */
export function weekdayNames(first: number): Readonly<Record<string, number>> {
  return Object.freeze(Object.fromEntries(WEEKDAY_NAMES.map((name, i) => [name, first + i])));
}

/** The minute, hour, day-of-month and month fields, which both dialects define alike. */
export const COMMON_FIELDS = {
  minute: { label: "minute", min: 0, max: 59, allowed: "0-59" },
  hour: { label: "hour", min: 0, max: 23, allowed: "0-23" },
  dayOfMonth: { label: "day-of-month", min: 1, max: 31, allowed: "1-31" },
  month: { label: "month", min: 1, max: 12, names: MONTH_NAMES, allowed: "1-12 (JAN-DEC)" },
} as const satisfies Record<string, FieldDefinition>;

/** Splits an expression into whitespace-separated fields. */
export function splitFields(text: string): string[] {
  const trimmed = text.trim();
  return trimmed === "" ? [] : trimmed.split(/\s+/);
}
