/** Helpers shared by the schedule engine's tests. */
import { DateTime } from "luxon";
import { nextRuns } from "../../src/scheduling/index.js";

/** The next fire instants of `expression` as ISO-8601 UTC strings. */
export function runs(
  expression: string,
  options: { after: string; count?: number; timezone?: string; start?: string },
): string[] {
  return nextRuns(expression, {
    after: new Date(options.after),
    count: options.count ?? 5,
    ...(options.timezone === undefined ? {} : { timezone: options.timezone }),
    ...(options.start === undefined ? {} : { start: new Date(options.start) }),
  }).map((d) => d.toISOString());
}

/**
 * Local wall times (`YYYY-MM-DDTHH:MM[:SS]`) in `zone` as ISO-8601 UTC strings, for tables
 * written the way the RFC writes its examples. Only for unambiguous local times.
 */
export function localTimes(zone: string, walls: readonly string[]): string[] {
  return walls.map((wall) => {
    const instant = DateTime.fromISO(wall, { zone });
    if (!instant.isValid) throw new Error(`bad test wall time ${wall}`);
    return instant.toUTC().toISO({ suppressMilliseconds: false }) ?? "";
  });
}

/** Expands "1997-09-02..11" day ranges at a time into wall times, to keep tables short. */
export function days(month: string, list: string, time: string): string[] {
  return list.split(",").flatMap((item) => {
    const [from = "", to = from] = item.split("..");
    const out: string[] = [];
    for (let d = Number(from); d <= Number(to); d++)
      out.push(`${month}-${String(d).padStart(2, "0")}T${time}`);
    return out;
  });
}
