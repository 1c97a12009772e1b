/**
 * Jitter: a per-occurrence delay that spreads schedules sharing a time (every `0 * * * *`)
 * over a window, without randomness that would differ between two ticks planning the same
 * occurrence.
 */
import { createHash } from "node:crypto";

/**
 * The jitter of one occurrence: a pseudo-random whole number of milliseconds in
 * `0..jitterMs`, derived from its run id alone, so every tick, retry and preview computes the
 * same value.
 *
 * @example
 * jitterFor("nightly@2026-01-01T00:00:00.000Z", 30_000); // e.g. 17342, always the same
 */
export function jitterFor(runId: string, jitterMs: number | undefined): number {
  if (jitterMs === undefined || jitterMs <= 0) return 0;
  const digest = createHash("sha256").update(runId).digest();
  // Six bytes fit a double exactly; the modulo bias over 2^48 is negligible for any jitter.
  return digest.readUIntBE(0, 6) % (Math.floor(jitterMs) + 1);
}
