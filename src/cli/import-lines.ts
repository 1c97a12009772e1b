/**
 * The core of `import`: every line is checked (read, validated, and its id looked up) before the
 * first schedule is created, so a file with a bad line changes nothing. Separate from the
 * command so that it can be driven without a process.
 */
import type { ControlDependencies } from "../control/deps.js";
import { canonicalJson } from "../control/input.js";
import { pauseSchedule } from "../control/lifecycle.js";
import {
  createPrepared,
  type PreparedSchedule,
  prepareSchedule,
  storedAs,
} from "../control/schedules.js";
import {
  InvalidPayloadError,
  InvalidScheduleError,
  ScheduleExistsError,
  SchedulerError,
  StoreError,
  UnknownJobError,
} from "../errors.js";
import { type ImportLine, parseImportLine } from "./jsonl.js";

/** A line that cannot be imported: its number (from 1), the field at fault if known, and why. */
export interface ImportRefusal {
  readonly line: number;
  readonly field: string | undefined;
  readonly error: SchedulerError;
}

/** A line that passed every check, ready to apply. */
export interface CheckedLine {
  readonly line: number;
  readonly prepared: PreparedSchedule;
  readonly paused: boolean;
}

/** What {@link checkImport} found: every line good, or every bad line. */
export type ImportCheck =
  | { readonly ok: true; readonly lines: readonly CheckedLine[] }
  | { readonly ok: false; readonly refused: readonly ImportRefusal[] };

/** What {@link applyImport} did, by schedule id. */
export interface ImportResult {
  readonly added: string[];
  readonly unchanged: string[];
}

/** The field an error of ours is about, where it says. */
export function fieldOf(error: SchedulerError): string | undefined {
  if (error instanceof InvalidScheduleError) return error.field;
  if (error instanceof InvalidPayloadError) return "payload";
  if (error instanceof UnknownJobError) return "job";
  if (error instanceof ScheduleExistsError) return "id";
  return undefined;
}

/** A schedule read from some source, with the line (from 1) it came from. */
export interface ImportItem {
  readonly line: number;
  readonly input: ImportLine["input"];
  readonly paused: boolean;
}

/**
 * Checks every line as `createSchedule` would, and looks each id up (reads only): an id held by
 * a different schedule, in the store or on an earlier line, is refused. Blank lines and `#`
 * comments are skipped. Writes nothing. A store failure is thrown, not reported per line.
 */
export async function checkImport(
  lines: readonly string[],
  deps: ControlDependencies,
): Promise<ImportCheck> {
  const { items, refused } = readItems(lines);
  return checkItems(items, deps, refused);
}

/**
 * Reads every line of a JSON-lines file (blank lines and `#` comments skipped): the schedules,
 * and the lines that are not one, each with its number.
 */
export function readItems(lines: readonly string[]): {
  items: ImportItem[];
  refused: ImportRefusal[];
} {
  const items: ImportItem[] = [];
  const refused: ImportRefusal[] = [];
  for (const [index, text] of lines.entries()) {
    try {
      const parsed = parseImportLine(text);
      if (parsed !== undefined) items.push({ line: index + 1, ...parsed });
    } catch (error) {
      if (!(error instanceof SchedulerError)) throw error;
      refused.push({ line: index + 1, field: fieldOf(error), error });
    }
  }
  return { items, refused };
}

/**
 * {@link checkImport} for schedules read already (from a crontab, from EventBridge): each is
 * checked as `createSchedule` would, and its id looked up. `refused` are refusals found while
 * reading, reported with the others in line order. Writes nothing.
 */
export async function checkItems(
  items: readonly ImportItem[],
  deps: ControlDependencies,
  refusedWhileReading: readonly ImportRefusal[] = [],
): Promise<ImportCheck> {
  const checked: CheckedLine[] = [];
  const refused: ImportRefusal[] = [...refusedWhileReading];
  const inFile = new Map<string, CheckedLine>();
  for (const { line, input, paused } of items) {
    try {
      const prepared = await prepareSchedule(input, deps);
      const stored = await storedAs(prepared, deps.store);
      if (stored === undefined && prepared.record instanceof InvalidScheduleError) {
        throw prepared.record;
      }
      const earlier = inFile.get(prepared.id);
      if (earlier !== undefined && !sameDefinition(earlier.prepared, prepared)) {
        throw new ScheduleExistsError(prepared.id, {
          cause: new Error(`line ${earlier.line} gives this id to a different schedule`),
        });
      }
      const entry = { line, prepared, paused };
      if (earlier === undefined) inFile.set(prepared.id, entry);
      checked.push(entry);
    } catch (error) {
      if (!(error instanceof SchedulerError) || error instanceof StoreError) throw error;
      refused.push({ line, field: fieldOf(error), error });
    }
  }
  refused.sort((a, b) => a.line - b.line);
  return refused.length > 0 ? { ok: false, refused } : { ok: true, lines: checked };
}

/** The same schedule as `createSchedule` judges it: job, expression, zone and payload. */
function sameDefinition(a: PreparedSchedule, b: PreparedSchedule): boolean {
  const key = ({ definition: d }: PreparedSchedule) =>
    JSON.stringify([d.job, d.expression, d.timezone, canonicalJson(d.payload)]);
  return key(a) === key(b);
}

/**
 * Creates the schedules of lines {@link checkImport} accepted, in file order, pausing those
 * exported PAUSED (only when this import created them). A schedule stored already with the
 * same definition is "unchanged".
 */
export async function applyImport(
  lines: readonly CheckedLine[],
  deps: ControlDependencies,
  progress: { tick(): void } = { tick() {} },
): Promise<ImportResult> {
  const result: ImportResult = { added: [], unchanged: [] };
  for (const { prepared, paused } of lines) {
    const { schedule, created } = await createPrepared(prepared, deps);
    if (created && paused) await pauseSchedule(schedule.id, deps);
    (created ? result.added : result.unchanged).push(schedule.id);
    progress.tick();
  }
  return result;
}
