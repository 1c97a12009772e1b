/**
 * fast-check generators of valid cron expressions. Each generates the text *and* what it means
 * (the values each field allows, the day rule), worked out here independently of the parser,
 * so the brute-force reference in reference.ts never reads the code under test.
 */
import fc from "fast-check";

/** A field's text and the values it selects. */
export interface FieldModel {
  readonly text: string;
  readonly values: ReadonlySet<number>;
}

/** What an AWS day field means, as the reference evaluates it. */
export type AwsDayModel =
  | { readonly kind: "any" }
  | { readonly kind: "values"; readonly values: ReadonlySet<number> }
  | { readonly kind: "last" }
  | { readonly kind: "lastWeekday" }
  | { readonly kind: "nearestWeekday"; readonly day: number }
  | { readonly kind: "lastOfWeekday"; readonly weekday: number }
  | { readonly kind: "nthWeekday"; readonly weekday: number; readonly nth: number };

/** A generated expression with its meaning. Weekdays in `dayOfWeek` are 0 (Sunday)-6. */
export interface CronModel {
  readonly dialect: "aws" | "unix";
  readonly text: string;
  readonly fixedTime: boolean;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly years: ReadonlySet<number> | null;
  readonly dayOfMonth: AwsDayModel;
  readonly dayOfWeek: AwsDayModel;
  /** Unix only: whether a day must match both fields (else either). */
  readonly bothDaysMustMatch: boolean;
}

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Whether `a/n` is allowed (AWS). */
  readonly openSteps: boolean;
  /** Where values and ranges are picked, if narrower than `min`-`max` (years). */
  readonly pick?: readonly [number, number];
}

const range = (from: number, to: number, step = 1): number[] => {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
};

/** A value as text: a number, or (where the field has names) sometimes its name in any case. */
function valueText(bounds: Bounds): fc.Arbitrary<{ text: string; value: number }> {
  return fc
    .tuple(
      fc.integer({ min: bounds.pick?.[0] ?? bounds.min, max: bounds.pick?.[1] ?? bounds.max }),
      fc.constantFrom("number", "UPPER", "lower"),
    )
    .map(([value, style]) => {
      const name = bounds.names?.[value - bounds.min];
      if (name === undefined || style === "number") return { text: String(value), value };
      return { text: style === "UPPER" ? name : name.toLowerCase(), value };
    });
}

function term(bounds: Bounds, stars: boolean): fc.Arbitrary<{ text: string; values: number[] }> {
  const { min, max } = bounds;
  const [low, high] = bounds.pick ?? [min, max];
  const step = fc.integer({ min: 1, max: Math.max(1, Math.ceil((high - low) / 2)) });
  const ordered = fc
    .tuple(valueText(bounds), valueText(bounds))
    .map(([a, b]) => (a.value <= b.value ? { a, b } : { a: b, b: a }));
  const terms = [
    valueText(bounds).map(({ text, value }) => ({ text, values: [value] })),
    ordered.map(({ a, b }) => ({ text: `${a.text}-${b.text}`, values: range(a.value, b.value) })),
    fc.tuple(ordered, step).map(([{ a, b }, s]) => ({
      text: `${a.text}-${b.text}/${s}`,
      values: range(a.value, b.value, s),
    })),
  ];
  if (stars) {
    terms.push(
      fc.constant({ text: "*", values: range(min, max) }),
      step.map((s) => ({ text: `*/${s}`, values: range(min, max, s) })),
    );
  }
  if (bounds.openSteps) {
    terms.push(
      fc
        .tuple(valueText(bounds), step)
        .map(([a, s]) => ({ text: `${a.text}/${s}`, values: range(a.value, max, s) })),
    );
  }
  return fc.oneof(...terms);
}

/** A comma-separated list of one to `maxTerms` terms, with or without `*` terms. */
function field(bounds: Bounds, maxTerms = 3, stars = true): fc.Arbitrary<FieldModel> {
  return fc.array(term(bounds, stars), { minLength: 1, maxLength: maxTerms }).map((terms) => ({
    text: terms.map((t) => t.text).join(","),
    values: new Set(terms.flatMap((t) => t.values)),
  }));
}

/** Mostly `*`, so that expressions fire often enough to compare many fire times. */
function mostlyEvery(bounds: Bounds): fc.Arbitrary<FieldModel> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constant({ text: "*", values: new Set(range(bounds.min, bounds.max)) }),
    },
    { weight: 2, arbitrary: field(bounds, 2) },
  );
}

const MONTH_NAMES = [
  "JAN",
  "FEB",
  "MAR",
  "APR",
  "MAY",
  "JUN",
  "JUL",
  "AUG",
  "SEP",
  "OCT",
  "NOV",
  "DEC",
];
const WEEKDAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/**
 * Minute and hour fields, half of them without `*` so that fixed-time expressions are common,
 * and hours biased towards 0-4, where most daylight-saving changes happen.
 */
function timeFields(openSteps: boolean) {
  const minuteBounds = { min: 0, max: 59, openSteps };
  const hourBounds = { min: 0, max: 23, openSteps };
  const earlyHours = { ...hourBounds, pick: [0, 4] as const };
  const minute = fc.oneof(field(minuteBounds), field(minuteBounds, 3, false));
  const hour = fc.oneof(
    field(earlyHours),
    field(earlyHours, 2, false),
    field(hourBounds),
    field(hourBounds, 3, false),
  );
  return { minute, hour };
}

/** Valid AWS `cron(...)` bodies with their meaning. */
export function awsCron(): fc.Arbitrary<CronModel> {
  const openSteps = true;
  const { minute, hour } = timeFields(openSteps);
  const month = mostlyEvery({ min: 1, max: 12, names: MONTH_NAMES, openSteps });
  const year = fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: field({ min: 1970, max: 2199, openSteps, pick: [2014, 2034] }, 2) },
  );
  const dayOfMonth = fc.oneof(
    field({ min: 1, max: 31, openSteps }).map((f) => ({
      text: f.text,
      model: { kind: "values", values: f.values } as AwsDayModel,
    })),
    fc.constant({ text: "L", model: { kind: "last" } as AwsDayModel }),
    fc.constant({ text: "LW", model: { kind: "lastWeekday" } as AwsDayModel }),
    fc
      .integer({ min: 1, max: 31 })
      .map((day) => ({ text: `${day}W`, model: { kind: "nearestWeekday", day } as AwsDayModel })),
  );
  const weekday = { min: 1, max: 7, names: WEEKDAY_NAMES, openSteps };
  const dayOfWeek = fc.oneof(
    field(weekday).map((f) => ({
      text: f.text,
      model: { kind: "values", values: new Set([...f.values].map((v) => v - 1)) } as AwsDayModel,
    })),
    fc.constant({ text: "L", model: { kind: "values", values: new Set([6]) } as AwsDayModel }),
    fc.integer({ min: 1, max: 7 }).map((n) => ({
      text: `${n}L`,
      model: { kind: "lastOfWeekday", weekday: n - 1 } as AwsDayModel,
    })),
    fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 5 })).map(([n, k]) => ({
      text: `${n}#${k}`,
      model: { kind: "nthWeekday", weekday: n - 1, nth: k } as AwsDayModel,
    })),
  );
  const any = { text: "?", model: { kind: "any" } as AwsDayModel };
  const days = fc.oneof(
    dayOfMonth.map((dom) => [dom, any] as const),
    dayOfWeek.map((dow) => [any, dow] as const),
  );
  return fc.tuple(minute, hour, days, month, year).map(([mi, h, [dom, dow], mo, y]) => ({
    dialect: "aws",
    text: [mi.text, h.text, dom.text, mo.text, dow.text, y === null ? "*" : y.text].join(" "),
    fixedTime: !mi.text.includes("*") && !h.text.includes("*"),
    minutes: mi.values,
    hours: h.values,
    months: mo.values,
    years: y === null ? null : y.values,
    dayOfMonth: dom.model,
    dayOfWeek: dow.model,
    bothDaysMustMatch: true,
  }));
}

/** Valid Unix cron(5) expressions with their meaning. */
export function unixCron(): fc.Arbitrary<CronModel> {
  const openSteps = false;
  const { minute, hour } = timeFields(openSteps);
  const month = mostlyEvery({ min: 1, max: 12, names: MONTH_NAMES, openSteps });
  const dayOfMonth = mostlyEvery({ min: 1, max: 31, openSteps });
  // 0-7 with names for 0-6: the name list is one short, so 7 is always written as a number.
  const dayOfWeek = mostlyEvery({ min: 0, max: 7, names: WEEKDAY_NAMES, openSteps });
  return fc.tuple(minute, hour, dayOfMonth, month, dayOfWeek).map(([mi, h, dom, mo, dow]) => ({
    dialect: "unix",
    text: [mi.text, h.text, dom.text, mo.text, dow.text].join(" "),
    fixedTime: !mi.text.includes("*") && !h.text.includes("*"),
    minutes: mi.values,
    hours: h.values,
    months: mo.values,
    years: null,
    dayOfMonth: { kind: "values", values: dom.values },
    dayOfWeek: { kind: "values", values: new Set([...dow.values].map((v) => v % 7)) },
    bothDaysMustMatch: dom.text.startsWith("*") || dow.text.startsWith("*"),
  }));
}

/**
 * Expressions firing every day in the given hours (at least one of them), fixed-time or not,
 * to aim at the hours around a daylight-saving change.
 */
export function cronAtHours(
  dialect: "aws" | "unix",
  hours: readonly number[],
): fc.Arbitrary<CronModel> {
  const minuteBounds = { min: 0, max: 59, openSteps: dialect === "aws" };
  const minute = fc.oneof(field(minuteBounds, 3, false), field(minuteBounds));
  const hourList = fc.subarray([...hours], { minLength: 1 });
  return fc.tuple(minute, hourList).map(([mi, hourValues]) => {
    const hourText = hourValues.join(",");
    const every = new Set(range(1, 31));
    return {
      dialect,
      text: dialect === "aws" ? `${mi.text} ${hourText} * * ? *` : `${mi.text} ${hourText} * * *`,
      fixedTime: !mi.text.includes("*"),
      minutes: mi.values,
      hours: new Set(hourValues),
      months: new Set(range(1, 12)),
      years: null,
      dayOfMonth: { kind: "values", values: every },
      dayOfWeek: { kind: "any" },
      bothDaysMustMatch: true,
    };
  });
}
