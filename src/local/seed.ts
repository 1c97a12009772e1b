/**
 * Seeding: a JSON-lines file of schedules applied to an empty store, so that a fresh local
 * setup (`npm start`) has something to run within seconds.
 */
import { readFile } from "node:fs/promises";
import type { Clock } from "../clock.js";
import { checkScheduleId, type ScheduleInput, validateDefinition } from "../control/input.js";
import { createSchedule } from "../control/schedules.js";
import { ConfigurationError } from "../errors.js";
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
 * `#` are skipped), and creates every schedule if the store holds none. Every line is validated
 * before the first is written, so a bad line leaves the store empty; the error names the line.
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
  const inputs: ScheduleInput[] = [];
  for (const [index, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const where = `${path}:${index + 1}`;
    try {
      const input = JSON.parse(line) as ScheduleInput;
      if (input === null || typeof input !== "object" || Array.isArray(input)) {
        throw new ConfigurationError('a seed line is one JSON object: {"job": …, "expression": …}');
      }
      if (input.id !== undefined) checkScheduleId(input.id);
      await validateDefinition(input, deps.jobs);
      inputs.push(input);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new ConfigurationError(`seed ${where}: ${message}`, { cause: error });
    }
  }
  const schedules: ScheduleRecord[] = [];
  for (const input of inputs) {
    schedules.push((await createSchedule(input, { store, ...deps })).schedule);
  }
  return { applied: true, schedules };
}
