import { describe, expect, it } from "vitest";
import {
  nextRuns,
  parseSchedule,
  SCHEDULE_KINDS,
  type Schedule,
} from "../../src/scheduling/index.js";

describe("parseSchedule", () => {
  it.each([
    ["rate(5 minutes)", "rate"],
    ["cron(0 12 ? * MON-FRI *)", "cron"],
    ["0 12 * * 1-5", "unix-cron"],
    ["@weekly", "unix-cron"],
    ["at(2026-12-01T10:00:00)", "at"],
    ["deadline(2026-12-01T10:00:00)", "deadline"],
    ["DTSTART:20260105T090000Z\nRRULE:FREQ=DAILY", "rrule"],
    ["RRULE:FREQ=DAILY", "rrule"],
    ["FREQ=DAILY", "rrule"],
    ["RDATE:20260105T090000Z", "rrule"],
  ])("reads %j as kind %s", (expression, kind) => {
    expect(parseSchedule(expression).kind).toBe(kind);
    expect(Object.values(SCHEDULE_KINDS)).toContain(kind);
  });

  it("keeps the expression trimmed and the time zone, UTC by default", () => {
    expect(parseSchedule("  rate(5 minutes)\n")).toMatchObject({
      expression: "rate(5 minutes)",
      timezone: "UTC",
    });
    expect(parseSchedule("0 9 * * *", { timezone: "Asia/Tokyo" }).timezone).toBe("Asia/Tokyo");
  });

  it.each([
    "rate(90 seconds)",
    "cron(15 10 L * ? 2026-2030)",
    "0 12 1,15 * 5",
    "at(2026-12-01T10:00:00+02:00)",
    "deadline(2026-12-01T10:00:00)",
    "DTSTART;TZID=Europe/Berlin:20260105T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20261231T230000Z\nEXDATE;VALUE=DATE:20260107\nRDATE:20260110T080000Z",
  ])("is plain data that survives JSON and gives the same runs: %j", (expression) => {
    const schedule = parseSchedule(expression, { timezone: "Europe/Berlin" });
    const copy = JSON.parse(JSON.stringify(schedule)) as Schedule;
    expect(copy).toEqual(schedule);
    const after = new Date("2026-01-01T00:00:00Z");
    const iso = (from: Schedule) => nextRuns(from, { after, count: 5 }).map((d) => d.toISOString());
    expect(iso(copy)).toEqual(iso(schedule));
    expect(iso(copy).length).toBeGreaterThan(0);
  });
});
