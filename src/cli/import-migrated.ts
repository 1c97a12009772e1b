/**
 * `import --from-crontab` and `import --from-eventbridge`: read the source, map it (the
 * mapping table), check every schedule as any import does, then create them all or none
 * (`--skip-refused`: the mapped ones), and with `--disable-source` disable the imported
 * EventBridge schedules once ours exist.
 */
import type { Command } from "commander";
import type { ControlDependencies } from "../control/deps.js";
import type { JobLookup } from "../registry/types.js";
import {
  disableEventBridgeSchedules,
  type EventBridgeKey,
  readEventBridgeSchedules,
  schedulerClient,
} from "./eventbridge-source.js";
import { applyImport, checkItems, type ImportCheck } from "./import-lines.js";
import {
  crontabSource,
  eventBridgeSource,
  MAPPING_STATUS,
  type MappingRow,
  type SourceReading,
} from "./import-sources.js";
import type { Output } from "./output.js";
import { readSource } from "./read-source.js";
import { explained } from "./schedule-options.js";
import { withStore } from "./store-option.js";
import { EXIT_CODE } from "./usage.js";

/** Parsed options of `import`. */
export interface ImportOptions {
  readonly fromCrontab?: string;
  readonly job?: string;
  readonly tz?: string;
  readonly fromEventbridge?: boolean;
  readonly group?: string;
  readonly jobFor?: readonly string[];
  readonly disableSource?: boolean;
  readonly skipRefused?: boolean;
  readonly dryRun?: boolean;
}

/** What an import did. */
export interface ImportSummary {
  readonly added: string[];
  readonly unchanged: string[];
  readonly refused: { readonly line: number; readonly field?: string; readonly reason: string }[];
}

/** A progress bar on standard error when it is a terminal and people read the output. */
async function progressBar(out: Output, total: number): Promise<{ tick(): void; stop(): void }> {
  if (out.json || !out.interactive || total < 2) return { tick() {}, stop() {} };
  const { SingleBar } = await import("cli-progress");
  const bar = new SingleBar({
    format: "importing [{bar}] {value}/{total} lines",
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(total, 0);
  return { tick: () => bar.increment(), stop: () => bar.stop() };
}

/** Applies a checked import, or reports its refusals; `dryRun` writes nothing either way. */
export async function importChecked(
  check: ImportCheck,
  deps: ControlDependencies,
  out: Output,
  dryRun = false,
): Promise<ImportSummary> {
  if (!check.ok) {
    const refused = check.refused.map(({ line, field, error }) => ({
      line,
      ...(field === undefined ? {} : { field }),
      reason: (explained(error) as Error).message,
    }));
    return { added: [], unchanged: [], refused };
  }
  if (dryRun) return { added: [], unchanged: [], refused: [] };
  const progress = await progressBar(out, check.lines.length);
  try {
    return { ...(await applyImport(check.lines, deps, progress)), refused: [] };
  } finally {
    progress.stop();
  }
}

/** Reads the source the options name into a mapping. */
async function readMigrationSource(options: ImportOptions): Promise<{
  reading: SourceReading;
  disable?: (keys: EventBridgeKey[]) => ReturnType<typeof disableEventBridgeSchedules>;
}> {
  if (options.fromCrontab !== undefined) {
    const text = await readSource(options.fromCrontab);
    return { reading: crontabSource(text, options.job ?? "", options.tz) };
  }
  const client = await schedulerClient();
  const schedules = await readEventBridgeSchedules(client, options.group);
  const jobFor = new Map<string, string>();
  for (const value of options.jobFor ?? []) {
    const at = value.lastIndexOf("=");
    jobFor.set(value.slice(0, at).trim(), value.slice(at + 1).trim());
  }
  return {
    reading: eventBridgeSource(schedules, jobFor),
    disable: (keys) => disableEventBridgeSchedules(client, keys),
  };
}

/** Marks the rows of the lines a check refused, with the reason the check gave. */
function markRefused(reading: SourceReading, check: ImportCheck): void {
  if (check.ok) return;
  for (const { line, error } of check.refused) {
    const row = reading.rows.get(line);
    if (row === undefined) continue;
    const reason = (explained(error) as Error).message;
    if (row.status === MAPPING_STATUS.refused && row.reasons.includes(reason)) continue;
    row.status = MAPPING_STATUS.refused;
    row.reasons.unshift(...reason.split("; ").filter((part) => !row.reasons.includes(part)));
  }
}

/** The table: one row per source schedule (and per ignored setting), in source order. */
function printTable(out: Output, rows: readonly MappingRow[]): void {
  const style = { mapped: "green", refused: "red", ignored: "dim" } as const;
  out.table(
    ["SOURCE", "ID", "EXPRESSION", "ZONE", "RESULT", "WHY"],
    rows.map((row) => [
      row.source,
      row.id ?? "-",
      row.expression ?? "-",
      row.timezone ?? "-",
      { text: row.status, style: style[row.status] },
      row.reasons.join("; "),
    ]),
  );
}

/**
 * Runs an import from a crontab or EventBridge Scheduler on the command's store, and prints
 * the mapping table and what was done.
 */
export async function importMigrated(
  command: Command,
  options: ImportOptions,
  jobs: JobLookup | undefined,
  out: Output,
): Promise<void> {
  const { reading, disable } = await readMigrationSource(options);
  const dryRun = options.dryRun === true;
  const { summary, imported, skipped } = await withStore(command, async (store) => {
    const deps: ControlDependencies = { store, ...(jobs === undefined ? {} : { jobs }) };
    let check = await checkItems(reading.items, deps, reading.refused);
    markRefused(reading, check);
    const refusedFirst = check.ok ? [] : check.refused;
    if (!check.ok && options.skipRefused === true) {
      const refusedLines = new Set(check.refused.map((refusal) => refusal.line));
      const kept = reading.items.filter((item) => !refusedLines.has(item.line));
      check = await checkItems(kept, deps);
      markRefused(reading, check);
    }
    const result: ImportSummary = await importChecked(check, deps, out, dryRun);
    const refused =
      options.skipRefused === true && check.ok
        ? refusedFirst.map(({ line, field, error }) => ({
            line,
            ...(field === undefined ? {} : { field }),
            reason: (explained(error) as Error).message,
          }))
        : result.refused;
    return {
      // With --skip-refused, the refused are left out on purpose: what maps was imported.
      skipped: options.skipRefused === true && check.ok,
      summary: { ...result, refused },
      imported: check.ok && !dryRun ? check.lines.map((entry) => entry.line) : [],
    };
  });
  if (summary.refused.length > 0 && !skipped) process.exitCode = EXIT_CODE.failed;
  let disabled: Awaited<ReturnType<NonNullable<typeof disable>>> | undefined;
  if (options.disableSource === true && disable !== undefined) {
    // Only now that ours exist: a source schedule is never disabled before its copy is stored.
    const keys = imported.flatMap((line) => {
      const key = reading.keys.get(line);
      return key === undefined ? [] : [key];
    });
    disabled = await disable(keys);
    if (disabled.failed !== undefined) process.exitCode = EXIT_CODE.failed;
  }
  const rows = [...reading.rows.entries()].sort(([a], [b]) => a - b).map(([, row]) => row);
  if (out.json) {
    out.data({
      mapping: rows,
      ...summary,
      dryRun,
      ...(disabled === undefined
        ? {}
        : {
            disabled: disabled.disabled,
            ...(disabled.failed === undefined
              ? {}
              : {
                  disableFailed: {
                    source: disabled.failed.source,
                    reason: disabled.failed.error.message,
                  },
                }),
          }),
    });
    return;
  }
  printTable(out, rows);
  if (summary.refused.length > 0 && !skipped) {
    out.note("nothing was imported: fix or leave out the refused schedules (--skip-refused)");
  }
  if (dryRun) out.note("dry run: nothing was written");
  out.print(
    `added ${summary.added.length}, unchanged ${summary.unchanged.length}, refused ${summary.refused.length}`,
  );
  if (disabled !== undefined) {
    out.print(`disabled in EventBridge Scheduler: ${disabled.disabled.length}`);
    if (disabled.failed !== undefined) {
      out.note(
        `failed to disable ${disabled.failed.source}: ${disabled.failed.error.message}; disabled before it: ${disabled.disabled.join(", ") || "none"}`,
      );
    }
  }
}
