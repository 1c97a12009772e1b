/// <reference lib="dom" />
/**
 * Small formatters shared by the views.
 */

/** `1.2 s`, `340 ms`, `2 min 5 s`; an em dash when absent. */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return "—";
  if (Math.abs(ms) < 1_000) return `${ms} ms`;
  if (Math.abs(ms) < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const minutes = Math.trunc(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1_000)} s`;
}

/** `2026-12-01 10:00:00Z` from an ISO instant: compact, still UTC. */
export function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}

/** `+01:00` from minutes east of UTC. */
export function offset(minutes: number): string {
  const sign = minutes < 0 ? "−" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.trunc(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}
