/** Helpers shared by the cron tests. */
import type { CronSpec } from "../../../src/scheduling/cron/index.js";
import { nextCronRun } from "../../../src/scheduling/cron/index.js";
import { loadZone } from "../../../src/scheduling/zone.js";

/**
 * The next `count` fire times of `spec` after `after` (ISO-8601) in `zone`, as ISO strings,
 * each found from the previous one as a scheduler would; fewer when the schedule ends.
 */
export function fireTimes(spec: CronSpec, after: string, zone = "UTC", count = 5): string[] {
  const timeZone = loadZone(zone);
  const times: string[] = [];
  let previous = Date.parse(after);
  while (times.length < count) {
    const next = nextCronRun(spec, previous, timeZone);
    if (next === undefined) break;
    times.push(new Date(next).toISOString());
    previous = next;
  }
  return times;
}

/** `YYYY-MM-DDTHH:MM` (UTC) → the ISO string the tests compare against. */
export function iso(shortUtc: string): string {
  return new Date(`${shortUtc}:00Z`).toISOString();
}
