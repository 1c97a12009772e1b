import { describe, expect, it } from "vitest";
import { runCli } from "./support.js";

describe("lambda-scheduler validate", () => {
  it.each([
    [
      ["validate", "cron(0 12 ? * MON-FRI *)", "--tz", "Europe/Berlin"],
      "at 12:00 Europe/Berlin, Monday through Friday\n",
    ],
    [["validate", "rate(30 seconds)"], "every 30 seconds\n"],
    [
      ["validate", "at(2026-12-01T10:00:00)", "--tz", "Europe/Berlin"],
      "once at 2026-12-01 10:00 Europe/Berlin\n",
    ],
  ])("prints what %j means and exits 0", (args, description) => {
    const result = runCli(args);
    expect(result).toEqual({ code: 0, stdout: description, stderr: "" });
  });

  it.each([
    ["at(2026-02-30T00:00:00)", 'day "30" does not exist in 2026-02'],
    ["RRULE:FREQ=DAILY;FOO=1", 'RRULE part "FOO" is not known; allowed: FREQ, UNTIL, COUNT'],
    ["cron(0 12 * * MON-FRI *)", 'exactly one of day-of-month and day-of-week to be "?"'],
    ["", "schedule expression is empty"],
  ])("prints the error for %j and exits 1", (expression, message) => {
    const result = runCli(["validate", expression]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^error: /);
    expect(result.stderr).toContain(message);
  });

  it("shows its options and an example with --help", () => {
    const result = runCli(["validate", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("--tz <zone>");
    expect(result.stdout).toContain("$ lambda-scheduler validate");
  });
});

describe("validate --json", () => {
  it("prints what the expression is as JSON", () => {
    const result = runCli(["validate", "rate(5 minutes)", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, kind: "rate", timezone: "UTC" });
  });

  it("prints a refused expression's error as JSON on standard error", () => {
    const result = runCli(["validate", "rate(0 minutes)", "--json"]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stderr)).toEqual({
      error: {
        name: "InvalidScheduleError",
        message: 'rate value "0" must be a whole number ≥ 1, e.g. rate(5 minutes)',
      },
    });
  });
});
