import { describe, expect, it } from "vitest";
import { runCli } from "./support.js";

describe("lambda-scheduler next", () => {
  it("prints the description and a table of local and UTC times", () => {
    const result = runCli([
      "next",
      "30 2 * * *",
      "--tz",
      "America/New_York",
      "--after",
      "2026-03-07",
      "--count",
      "3",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")).toEqual([
      "at 02:30 America/New_York, every day",
      "#  LOCAL (America/New_York)    UTC",
      "1  2026-03-07 02:30:00 -05:00  2026-03-07T07:30:00Z",
      "2  2026-03-08 03:00:00 -04:00  2026-03-08T07:00:00Z",
      "3  2026-03-09 02:30:00 -04:00  2026-03-09T06:30:00Z",
      "",
    ]);
  });

  it("prints a JSON array of ISO-8601 UTC strings with --json", () => {
    const result = runCli([
      "next",
      "rate(5 minutes)",
      "--after",
      "2026-01-05T09:00:00Z",
      "--count",
      "2",
      "--json",
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      "2026-01-05T09:05:00.000Z",
      "2026-01-05T09:10:00.000Z",
    ]);
  });

  it("anchors a rate at --start", () => {
    const result = runCli([
      "next",
      "rate(1 hour)",
      "--after",
      "2026-01-05T09:00:00Z",
      "--start",
      "2026-01-05T08:20:00Z",
      "--count",
      "1",
      "--json",
    ]);
    expect(JSON.parse(result.stdout)).toEqual(["2026-01-05T09:20:00.000Z"]);
  });

  it("reads rrule text with real newlines, in DTSTART's zone", () => {
    const text = "DTSTART;TZID=Europe/Berlin:20260105T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE";
    const result = runCli([
      "next",
      text,
      "--after",
      "2026-01-01T00:00:00Z",
      "--count",
      "3",
      "--json",
    ]);
    expect(JSON.parse(result.stdout)).toEqual([
      "2026-01-05T08:00:00.000Z",
      "2026-01-07T08:00:00.000Z",
      "2026-01-12T08:00:00.000Z",
    ]);
  });

  it("gives the same answer whatever the process time zone (TZ=Australia/Lord_Howe)", () => {
    const args = [
      "next",
      "DTSTART;TZID=America/New_York:20260307T023000\nRRULE:FREQ=DAILY",
      "--after",
      "2026-03-07T00:00:00Z",
      "--count",
      "3",
      "--json",
    ];
    const here = runCli(args, { TZ: "UTC" });
    const there = runCli(args, { TZ: "Australia/Lord_Howe" });
    expect(JSON.parse(there.stdout)).toEqual([
      "2026-03-07T07:30:00.000Z",
      "2026-03-08T07:30:00.000Z",
      "2026-03-09T06:30:00.000Z",
    ]);
    expect(there.stdout).toBe(here.stdout);
  });

  it("says so on standard error when the schedule has ended", () => {
    const result = runCli(["next", "at(2026-01-05T10:00:00)", "--after", "2026-02-01T00:00:00Z"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("no fire times: the schedule has ended");
  });

  it("defaults --after to now", () => {
    const before = Date.now();
    const result = runCli(["next", "rate(1 minute)", "--count", "1", "--json"]);
    const [first] = JSON.parse(result.stdout) as string[];
    expect(Date.parse(first ?? "")).toBeGreaterThan(before);
    expect(Date.parse(first ?? "")).toBeLessThan(Date.now() + 61_000);
  });

  it.each([
    [
      ["next", "rate(0 minutes)"],
      1,
      'error: rate value "0" must be a whole number ≥ 1, e.g. rate(5 minutes)',
    ],
    [
      ["next", "rate(5 minutes)", "--tz", "Mars/Olympus"],
      1,
      'error: time zone "Mars/Olympus" is not a known IANA time zone name',
    ],
    [
      ["next", "rate(5 minutes)", "--after", "yesterday"],
      1,
      'error: --after "yesterday" is not an ISO-8601 date-time',
    ],
    [
      ["next", "rate(5 minutes)", "--count", "0"],
      2,
      "error: option '--count <n>' argument '0' is invalid",
    ],
    [["next", "rate(5 minutes)", "--bogus"], 2, "error: unknown option '--bogus'"],
    [["next"], 2, "error: missing required argument 'expression'"],
  ])("refuses %j with exit code %i", (args, status, message) => {
    const result = runCli(args);
    expect(result.code).toBe(status);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe("");
  });

  it("shows its options and an example with --help", () => {
    const result = runCli(["next", "--help"]);
    expect(result.code).toBe(0);
    for (const flag of ["--tz <zone>", "--after <iso>", "--start <iso>", "--count <n>", "--json"]) {
      expect(result.stdout).toContain(flag);
    }
    expect(result.stdout).toContain('$ lambda-scheduler next "rate(5 minutes)" --count 3');
  });
});
