import { describe, expect, it } from "vitest";
import { describeCron, parseAwsCron, parseUnixCron } from "../../../src/scheduling/cron/index.js";

const awsCases = [
  ["0 12 ? * MON-FRI *", "at 12:00, Monday through Friday"],
  ["0 10 * * ? *", "at 10:00, every day"],
  ["15 12 * * ? *", "at 12:15, every day"],
  ["0 8 1 * ? *", "at 08:00, on day 1 of the month"],
  ["0/15 * * * ? *", "every 15 minutes"],
  ["0/10 * ? * MON-FRI *", "every 10 minutes, Monday through Friday"],
  ["0/5 8-17 ? * MON-FRI *", "every 5 minutes, from 08:00 through 17:59, Monday through Friday"],
  ["0 9 ? * 2#1 *", "at 09:00, on the first Monday of the month"],
  ["0 0 L * ? *", "at 00:00, on the last day of the month"],
  ["0 0 ? * 6L *", "at 00:00, on the last Friday of the month"],
  ["0 0 15W * ? *", "at 00:00, on the weekday nearest day 15 of the month"],
  ["0 0 LW * ? *", "at 00:00, on the last weekday of the month"],
  ["0 0 ? * L *", "at 00:00, on Saturday"],
  ["0 8,17 ? * MON,WED,FRI *", "at 08:00 and 17:00, on Monday, Wednesday and Friday"],
  [
    "30 9 1,15 JAN-MAR ? 2026-2027",
    "at 09:30, on days 1 and 15 of the month, in January through March, in 2026 and 2027",
  ],
  [
    "0 0 1 */3 ? 2026/2",
    "at 00:00, on day 1 of the month, in every 3rd month from January through October, in every 2nd year from year 2026 through year 2198",
  ],
] as const;

const unixCases = [
  ["5 0 * * *", "at 00:05, every day"],
  ["23 0-23/2 * * *", "at minute 23, during every 2nd hour from hour 0 through hour 22"],
  ["5 4 * * sun", "at 04:05, on Sunday"],
  ["0 4 8-14 * sat", "at 04:00, on days 8 through 14 of the month, and on Saturday"],
  [
    "0 0 */2 * 1",
    "at 00:00, on every 2nd day from day 1 through day 31 of the month, if it is a Monday",
  ],
  ["*/30 * * * *", "every 30 minutes"],
  ["* * * * *", "every minute"],
  ["5,35 * * * *", "every 30 minutes from minute 5"],
  ["0,10,20 * * * *", "at minutes 0, 10 and 20 of every hour"],
  ["@hourly", "at minute 0 of every hour"],
  ["@yearly", "at 00:00, on day 1 of the month, in January"],
] as const;

describe("describeCron", () => {
  it.each(awsCases)("describes AWS cron(%s) as %j", (body, description) => {
    expect(describeCron(parseAwsCron(body))).toBe(description);
  });

  it.each(unixCases)("describes Unix %s as %j", (expression, description) => {
    expect(describeCron(parseUnixCron(expression))).toBe(description);
  });

  it("describes equivalent spellings alike", () => {
    expect(describeCron(parseUnixCron("0 12 * * 1-5"))).toBe(
      describeCron(parseAwsCron("0 12 ? * MON-FRI *")),
    );
  });
});
