/**
 * The sources `import` reads besides its JSON-lines files: a crontab, and EventBridge
 * Scheduler. Each is turned into import items (checked then as any import line) and a mapping
 * table: one row per source schedule, mapped or refused, with why.
 */
import { InvalidScheduleError } from "../errors.js";
import { crontabRefusal, readCrontab } from "../migrate/crontab.js";
import { type EventBridgeSchedule, mapEventBridgeSchedule } from "../migrate/eventbridge.js";
import type { EventBridgeKey } from "./eventbridge-source.js";
import type { ImportItem, ImportRefusal } from "./import-lines.js";

/** What became of one source schedule. */
export const MAPPING_STATUS = { mapped: "mapped", refused: "refused", ignored: "ignored" } as const;
/** One of {@link MAPPING_STATUS}. */
export type MappingStatus = (typeof MAPPING_STATUS)[keyof typeof MAPPING_STATUS];

/** A row of the mapping table. */
export interface MappingRow {
  /** `line 4` (crontab) or `group/name` (EventBridge). */
  readonly source: string;
  readonly id?: string;
  readonly expression?: string;
  readonly timezone?: string;
  status: MappingStatus;
  /** Why it was refused, or what was left out of a mapped one. */
  readonly reasons: string[];
}

/** A source read: its items (numbered), the refusals found while reading, the table. */
export interface SourceReading {
  readonly items: readonly ImportItem[];
  readonly refused: readonly ImportRefusal[];
  /** Rows by item number, and rows of lines that made no item. */
  readonly rows: ReadonlyMap<number, MappingRow>;
  /** The EventBridge schedule each item came from, by item number (EventBridge only). */
  readonly keys: ReadonlyMap<number, EventBridgeKey>;
}

/** A crontab read into schedules of `job`; rows are keyed by line number. */
export function crontabSource(text: string, job: string, timezone?: string): SourceReading {
  const reading = readCrontab(text, { job, ...(timezone === undefined ? {} : { timezone }) });
  const rows = new Map<number, MappingRow>();
  const items: ImportItem[] = [];
  for (const { line, input } of reading.schedules) {
    items.push({ line, input, paused: false });
    rows.set(line, {
      source: `line ${line}`,
      ...(input.id === undefined ? {} : { id: input.id }),
      expression: input.expression,
      timezone: input.timezone ?? "UTC",
      status: MAPPING_STATUS.mapped,
      reasons: [],
    });
  }
  const refused = reading.refused.map((note) => {
    rows.set(note.line, {
      source: `line ${note.line}`,
      status: MAPPING_STATUS.refused,
      reasons: [note.reason],
    });
    return { line: note.line, field: "crontab", error: crontabRefusal(note) };
  });
  for (const note of reading.ignored) {
    rows.set(note.line, {
      source: `line ${note.line}`,
      status: MAPPING_STATUS.ignored,
      reasons: [note.reason],
    });
  }
  return { items, refused, rows, keys: new Map() };
}

/** EventBridge schedules mapped through `jobFor`; items are numbered in listing order. */
export function eventBridgeSource(
  schedules: readonly EventBridgeSchedule[],
  jobFor: ReadonlyMap<string, string>,
): SourceReading {
  const items: ImportItem[] = [];
  const refused: ImportRefusal[] = [];
  const rows = new Map<number, MappingRow>();
  const keys = new Map<number, EventBridgeKey>();
  for (const [index, schedule] of schedules.entries()) {
    const line = index + 1;
    const mapping = mapEventBridgeSchedule(schedule, jobFor);
    keys.set(line, { group: schedule.GroupName ?? "default", name: schedule.Name ?? "" });
    const shown = {
      source: mapping.source,
      ...(schedule.ScheduleExpression === undefined
        ? {}
        : { expression: schedule.ScheduleExpression }),
      timezone: schedule.ScheduleExpressionTimezone ?? "UTC",
    };
    if (mapping.ok) {
      items.push({ line, input: mapping.input, paused: mapping.paused });
      rows.set(line, {
        ...shown,
        ...(mapping.input.id === undefined ? {} : { id: mapping.input.id }),
        status: MAPPING_STATUS.mapped,
        reasons: [...mapping.warnings],
      });
    } else {
      const reason = mapping.reasons.join("; ");
      refused.push({ line, field: undefined, error: new InvalidScheduleError(reason) });
      rows.set(line, {
        ...shown,
        status: MAPPING_STATUS.refused,
        reasons: [...mapping.reasons, ...mapping.warnings],
      });
    }
  }
  return { items, refused, rows, keys };
}
