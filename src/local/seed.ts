/**
 * Seeding: a JSON-lines file of schedules applied to an empty store, so that a fresh local
 * setup (`npm start`) has something to run within seconds.
 */
import { readFile } from "node:fs/promises";
import type { Clock } from "../clock.js";
import type { ScheduleInput } from "../control/input.js";
import { createPrepared, type PreparedSchedule, prepareSchedule } from "../control/schedules.js";
import { ConfigurationError, InvalidScheduleError } from "../errors.js";
import type { JobLookup } from "../registry/types.js";
import type { ScheduleRecord, ScheduleStore } from "../store/types.js";

/** What {@link seedSchedules} did. */
export interface SeedResult {
  /** False when the store already held schedules: a seed never touches a store in use. */
  readonly applied: boolean;
  readonly schedules: readonly ScheduleRecord[];
}

/**
 * Reads `path`, one {@link ScheduleInput} as JSON per line (blank lines and lines starting with
 * `#` are skipped), and creates every schedule if the store holds none. Every line is checked
 * as `createSchedule` checks it (the job-name rule, every field, that it fires) before the first
 * is written, so a bad line leaves the store empty; the error names the line.
 *
 * @example
 * await seedSchedules(store, "examples/schedules.jsonl", { jobs: registryJobs });
 */
export async function seedSchedules(
  store: ScheduleStore,
  path: string,
  deps: { readonly jobs?: JobLookup; readonly clock?: Clock } = {},
): Promise<SeedResult> {
  const { items } = await store.listSchedules({ limit: 1 });
  if (items.length > 0) return { applied: false, schedules: [] };
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigurationError(`cannot read the seed file ${path}: ${String(error)}`, {
      cause: error,
    });
  }
  const prepared: PreparedSchedule[] = [];
  for (const [index, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const where = `${path}:${index + 1}`;
    try {
      const input = JSON.parse(line) as ScheduleInput;
      if (input === null || typeof input !== "object" || Array.isArray(input)) {
        throw new ConfigurationError('a seed line is one JSON object: {"job": …, "expression": …}');
      }
      const checked = await prepareSchedule(input, deps);
      // The store is empty, so a schedule that never fires is not stored already either.
      if (checked.record instanceof InvalidScheduleError) throw checked.record;
      prepared.push(checked);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new ConfigurationError(`seed ${where}: ${message}`, { cause: error });
    }
  }
  const schedules: ScheduleRecord[] = [];
  for (const checked of prepared) {
    schedules.push((await createPrepared(checked, { store, ...deps })).schedule);
  }
  return { applied: true, schedules };
}
