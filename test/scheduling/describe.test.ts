import { describe, expect, it } from "vitest";
import { describeSchedule, parseSchedule } from "../../src/scheduling/index.js";

describe("describeSchedule", () => {
  it.each([
    ["rate(30 seconds)", "UTC", "every 30 seconds"],
    ["rate(1 minute)", "UTC", "every minute"],
    ["rate(2 days)", "UTC", "every 2 days"],
    ["cron(0 12 ? * MON-FRI *)", "UTC", "at 12:00 UTC, Monday through Friday"],
    ["@daily", "America/New_York", "at 00:00 America/New_York, every day"],
    ["*/5 * * * *", "UTC", "every 5 minutes (UTC)"],
    ["at(2026-12-01T10:00:00)", "Europe/Berlin", "once at 2026-12-01 10:00 Europe/Berlin"],
    ["at(2026-12-01T10:00:30Z)", "Europe/Berlin", "once at 2026-12-01 10:00:30 UTC"],
    [
      "deadline(2026-12-01T10:00:00)",
      "Europe/Berlin",
      "once, as soon as possible, no later than 2026-12-01 10:00 Europe/Berlin",
    ],
    [
      "DTSTART;TZID=Europe/Berlin:20260105T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE",
      "UTC",
      "weekly on Monday and Wednesday at 09:00 Europe/Berlin, from 2026-01-05",
    ],
    [
      "DTSTART:20260105T090000Z\nRRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=6",
      "UTC",
      "monthly on Monday, Tuesday, Wednesday, Thursday and Friday keeping only the last match each month at 09:00 UTC, 6 times, from 2026-01-05",
    ],
    [
      "DTSTART:19970512T090000Z\nRRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO;UNTIL=20001231T000000Z",
      "UTC",
      "yearly in week 20 on Monday at 09:00 UTC, until 2000-12-31 00:00 UTC, from 1997-05-12",
    ],
    [
      "DTSTART:20260105T090000Z\nRRULE:FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10",
      "UTC",
      "every 20 minutes during hours 09 and 10 UTC, from 2026-01-05",
    ],
    ["FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0", "Asia/Tokyo", "daily at 09:00 Asia/Tokyo"],
    ["FREQ=MONTHLY;BYDAY=-1FR", "UTC", "monthly on the last Friday at the start time UTC"],
    ["RDATE:20260105T090000Z,20260106T090000Z", "UTC", "on 2 listed dates"],
    [
      "DTSTART:20260105T090000Z\nRRULE:FREQ=DAILY\nRDATE:20260110T120000Z\nEXDATE:20260106T090000Z",
      "UTC",
      "daily at 09:00 UTC, from 2026-01-05, plus 1 listed date, except 1 excluded date",
    ],
  ])("describes %j in %s", (expression, timezone, expected) => {
    expect(describeSchedule(parseSchedule(expression, { timezone }))).toBe(expected);
  });
});
