/**
 * What commands print: tables and lines for people, JSON for scripts (`--json`), notes on
 * standard error so that standard output stays parseable. Colours only on a terminal, and never
 * when `NO_COLOR` is set (https://no-color.org).
 */
import { styleText } from "node:util";
import { formatWallTime } from "../scheduling/calendar.js";
import { loadZone, toWallTime } from "../scheduling/zone.js";

/** The colours and weights commands use. */
export const STYLE = {
  ok: "green",
  warn: "yellow",
  bad: "red",
  dim: "dim",
  strong: "bold",
} as const;
export type Style = (typeof STYLE)[keyof typeof STYLE];

/** A table cell: text, or text with a style applied after padding (so columns stay aligned). */
export type Cell = string | { readonly text: string; readonly style?: Style };

/** Where output goes; the process's streams by default. */
export interface OutputStreams {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
}

/** A command's output. */
export interface Output {
  /** True when `--json` was given: print {@link Output.data} and nothing else on stdout. */
  readonly json: boolean;
  /** Whether standard error is a terminal (progress bars, questions). */
  readonly interactive: boolean;
  readonly streams: OutputStreams;
  /** A line on standard output. */
  print(line?: string): void;
  /** A value as JSON on standard output. */
  data(value: unknown): void;
  /** A note on standard error: hints, warnings, progress that scripts should not parse. */
  note(line: string): void;
  /** Aligned columns under a header; nothing but the header when there are no rows. */
  table(header: readonly string[], rows: readonly (readonly Cell[])[]): void;
  /** Key: value lines, keys aligned. */
  fields(entries: readonly (readonly [string, Cell])[]): void;
  /** `text` in `style` when colours are on. */
  paint(style: Style, text: string): string;
}

/**
 * Whether to colour a stream: never with `NO_COLOR` set to anything but the empty string,
 * always with `FORCE_COLOR` set (and not `0`), else only on a terminal.
 */
export function colorEnabled(
  stream: { readonly isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") {
    return true;
  }
  return stream.isTTY === true;
}

let pipeWatched = false;

/**
 * A reader that went away (`lambda-scheduler list | head`) ends the command quietly, as SIGPIPE
 * ends other tools, instead of with an EPIPE stack trace. Output comes after the command's
 * writes to the store, so nothing is left half-done.
 */
export function endQuietlyOnClosedPipe(): void {
  if (pipeWatched) return;
  pipeWatched = true;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
  });
}

function textOf(cell: Cell): string {
  return typeof cell === "string" ? cell : cell.text;
}

/**
 * Creates the output of one command run.
 *
 * @example
 * const out = createOutput({ json: options.json === true });
 * out.table(["ID", "STATE"], [["nightly", { text: "ENABLED", style: STYLE.ok }]]);
 */
export function createOutput(options: {
  readonly json: boolean;
  readonly streams?: OutputStreams;
  readonly env?: NodeJS.ProcessEnv;
}): Output {
  const streams = options.streams ?? { stdout: process.stdout, stderr: process.stderr };
  if (streams.stdout === process.stdout) endQuietlyOnClosedPipe();
  const env = options.env ?? process.env;
  const colorOut = colorEnabled(streams.stdout, env);
  const style = (on: boolean, name: Style, text: string): string =>
    on && text !== "" ? styleText(name, text, { validateStream: false }) : text;
  const paintCell = (cell: Cell, width: number | undefined): string => {
    const text = textOf(cell);
    const padded = width === undefined ? text : text.padEnd(width);
    if (typeof cell === "string" || cell.style === undefined) return padded;
    // Style the text only: trailing padding in a colour shows as a coloured block on some terminals.
    return style(colorOut, cell.style, text) + padded.slice(text.length);
  };

  const out: Output = {
    json: options.json,
    interactive: streams.stderr.isTTY === true,
    streams,
    print: (line = "") => void streams.stdout.write(`${line}\n`),
    data: (value) => void streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    note: (line) => void streams.stderr.write(`${line}\n`),
    paint: (name, text) => style(colorOut, name, text),
    table(header, rows) {
      const widths = header.map((title, column) =>
        Math.max(title.length, ...rows.map((row) => textOf(row[column] ?? "").length)),
      );
      const line = (cells: readonly Cell[]): string =>
        cells
          .map((cell, column) =>
            paintCell(cell, column === cells.length - 1 ? undefined : widths[column]),
          )
          .join("  ")
          .trimEnd();
      out.print(line(header.map((title) => ({ text: title, style: STYLE.strong }))));
      for (const row of rows) out.print(line(row));
    },
    fields(entries) {
      const width = Math.max(0, ...entries.map(([key]) => key.length + 1));
      for (const [key, value] of entries) {
        out.print(
          `${style(colorOut, STYLE.dim, `${key}:`.padEnd(width))}  ${paintCell(value, undefined)}`,
        );
      }
    },
  };
  return out;
}

/**
 * An instant as ISO-8601 UTC, without milliseconds when they are zero:
 * `2026-01-05T09:00:00Z`. Empty for undefined.
 */
export function isoTime(ms: number | undefined): string {
  if (ms === undefined) return "";
  const iso = new Date(ms).toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
}

/**
 * An instant as wall time in an IANA zone, `2026-01-05 10:00:00 Europe/Berlin`; empty for
 * undefined, and for UTC (the ISO time says it already).
 */
export function zoneTime(ms: number | undefined, timezone: string): string {
  if (ms === undefined || timezone === "UTC") return "";
  // Read with the schedule engine's zone tables, so it shows the wall time schedules fire at.
  const wall = formatWallTime(toWallTime(ms, loadZone(timezone)));
  return `${wall.replace("T", " ")} ${timezone}`;
}
