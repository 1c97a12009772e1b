import { describe, expect, it } from "vitest";
import { type CronSpec, parseAwsCron, parseUnixCron } from "../../../src/scheduling/cron/index.js";
import { fireTimes, iso } from "./support.js";

// The 2026 transitions used below (UTC instants):
// - America/New_York: 8 Mar 07:00 (02:00 EST → 03:00 EDT); 1 Nov 06:00 (02:00 EDT → 01:00 EST).
// - Europe/London: 29 Mar 01:00 (01:00 GMT → 02:00 BST); 25 Oct 01:00 (02:00 BST → 01:00 GMT).
// - Australia/Sydney: 4 Apr 16:00 (03:00 AEDT → 02:00 AEST); 3 Oct 16:00 (02:00 AEST → 03:00 AEDT).
// - Australia/Lord_Howe, half-hour DST: 4 Apr 15:00 (02:00 +11 → 01:30 +10:30);
//   3 Oct 15:30 (02:00 +10:30 → 02:30 +11).
// - Asia/Kolkata: +05:30 all year.
interface Case {
  readonly name: string;
  readonly spec: CronSpec;
  readonly zone: string;
  readonly after: string;
  readonly expected: readonly string[];
}

const unix = parseUnixCron;
const aws = parseAwsCron;

const springForward: readonly Case[] = [
  {
    name: "a fixed time in the New York gap fires once at the end of the gap (03:00 EDT)",
    spec: unix("30 2 * * *"),
    zone: "America/New_York",
    after: "2026-03-07T12:00",
    expected: ["2026-03-08T07:00", "2026-03-09T06:30"],
  },
  {
    name: "several fixed times in one gap still fire once",
    spec: unix("0,15,30,45 2 * * *"),
    zone: "America/New_York",
    after: "2026-03-08T06:00",
    expected: ["2026-03-08T07:00", "2026-03-09T06:00", "2026-03-09T06:15"],
  },
  {
    name: "an AWS minute step in the gap hour is fixed-time too and fires once",
    spec: aws("0/20 2 * * ? *"),
    zone: "America/New_York",
    after: "2026-03-08T06:00",
    expected: ["2026-03-08T07:00", "2026-03-09T06:00"],
  },
  {
    name: "a skipped fixed time and a real one at the gap's end fire once together",
    spec: unix("0 2,3 * * *"),
    zone: "America/New_York",
    after: "2026-03-08T06:00",
    expected: ["2026-03-08T07:00", "2026-03-09T06:00", "2026-03-09T07:00"],
  },
  {
    name: "a wildcard expression skips the nonexistent New York times",
    spec: unix("*/30 * * * *"),
    zone: "America/New_York",
    after: "2026-03-08T06:15",
    expected: ["2026-03-08T06:30", "2026-03-08T07:00", "2026-03-08T07:30"],
  },
  {
    name: "a wildcard minute in the gap hour does not fire that day",
    spec: unix("* 2 * * *"),
    zone: "America/New_York",
    after: "2026-03-08T06:00",
    expected: ["2026-03-09T06:00", "2026-03-09T06:01"],
  },
  {
    name: "a fixed time in the London gap fires at 02:00 BST",
    spec: unix("30 1 * * *"),
    zone: "Europe/London",
    after: "2026-03-28T12:00",
    expected: ["2026-03-29T01:00", "2026-03-30T00:30"],
  },
  {
    name: "a wildcard expression in London jumps from 00:40 GMT to 02:00 BST",
    spec: unix("*/20 * * * *"),
    zone: "Europe/London",
    after: "2026-03-29T00:30",
    expected: ["2026-03-29T00:40", "2026-03-29T01:00", "2026-03-29T01:20"],
  },
  {
    name: "a fixed time in the Sydney gap fires at 03:00 AEDT",
    spec: unix("30 2 * * *"),
    zone: "Australia/Sydney",
    after: "2026-10-03T12:00",
    expected: ["2026-10-03T16:00", "2026-10-04T15:30"],
  },
  {
    name: "an hourly wildcard in Sydney skips 02:00 AEST",
    spec: unix("0 * * * *"),
    zone: "Australia/Sydney",
    after: "2026-10-03T14:30",
    expected: ["2026-10-03T15:00", "2026-10-03T16:00", "2026-10-03T17:00"],
  },
  {
    name: "a fixed time in Lord Howe's half-hour gap fires at 02:30 +11",
    spec: unix("15 2 * * *"),
    zone: "Australia/Lord_Howe",
    after: "2026-10-03T00:00",
    expected: ["2026-10-03T15:30", "2026-10-04T15:15"],
  },
  {
    name: "Lord Howe: 02:00 (skipped) and 02:30 (the gap's end) fire once together",
    spec: unix("0,30 2 * * *"),
    zone: "Australia/Lord_Howe",
    after: "2026-10-03T00:00",
    expected: ["2026-10-03T15:30", "2026-10-04T15:00", "2026-10-04T15:30"],
  },
  {
    name: "a quarter-hour wildcard in Lord Howe skips 02:00 and 02:15",
    spec: unix("*/15 * * * *"),
    zone: "Australia/Lord_Howe",
    after: "2026-10-03T15:14",
    expected: ["2026-10-03T15:15", "2026-10-03T15:30", "2026-10-03T15:45"],
  },
];

const fallBack: readonly Case[] = [
  {
    name: "a fixed time in the repeated New York hour fires only at its first occurrence (EDT)",
    spec: unix("30 1 * * *"),
    zone: "America/New_York",
    after: "2026-11-01T04:00",
    expected: ["2026-11-01T05:30", "2026-11-02T06:30"],
  },
  {
    name: "after the first occurrence has passed, the repeated one does not fire",
    spec: unix("45 1 * * *"),
    zone: "America/New_York",
    after: "2026-11-01T06:10",
    expected: ["2026-11-02T06:45"],
  },
  {
    name: "a wildcard expression fires in both passes of the repeated hour",
    spec: unix("*/30 1 * * *"),
    zone: "America/New_York",
    after: "2026-11-01T04:00",
    expected: [
      "2026-11-01T05:00",
      "2026-11-01T05:30",
      "2026-11-01T06:00",
      "2026-11-01T06:30",
      "2026-11-02T06:00",
    ],
  },
  {
    name: "an hourly wildcard fires at 01:00 EDT and again at 01:00 EST",
    spec: aws("0 * * * ? *"),
    zone: "America/New_York",
    after: "2026-11-01T04:30",
    expected: ["2026-11-01T05:00", "2026-11-01T06:00", "2026-11-01T07:00"],
  },
  {
    name: "a wildcard expression started inside the second pass fires in it",
    spec: unix("45 * * * *"),
    zone: "America/New_York",
    after: "2026-11-01T06:10",
    expected: ["2026-11-01T06:45", "2026-11-01T07:45"],
  },
  {
    name: "a fixed time in the repeated London hour fires once, at 01:30 BST",
    spec: unix("30 1 * * *"),
    zone: "Europe/London",
    after: "2026-10-25T00:00",
    expected: ["2026-10-25T00:30", "2026-10-26T01:30"],
  },
  {
    name: "a wildcard expression in London fires in both passes",
    spec: unix("*/30 1 * * *"),
    zone: "Europe/London",
    after: "2026-10-24T23:55",
    expected: [
      "2026-10-25T00:00",
      "2026-10-25T00:30",
      "2026-10-25T01:00",
      "2026-10-25T01:30",
      "2026-10-26T01:00",
    ],
  },
  {
    name: "a fixed time in the repeated Sydney hour fires once, at 02:30 AEDT",
    spec: unix("30 2 * * *"),
    zone: "Australia/Sydney",
    after: "2026-04-04T12:00",
    expected: ["2026-04-04T15:30", "2026-04-05T16:30"],
  },
  {
    name: "an hourly wildcard in Sydney fires at 02:00 AEDT and 02:00 AEST",
    spec: unix("0 * * * *"),
    zone: "Australia/Sydney",
    after: "2026-04-04T14:30",
    expected: ["2026-04-04T15:00", "2026-04-04T16:00", "2026-04-04T17:00"],
  },
  {
    name: "a fixed time in Lord Howe's repeated half hour fires once, at 01:45 +11",
    spec: unix("45 1 * * *"),
    zone: "Australia/Lord_Howe",
    after: "2026-04-04T14:00",
    expected: ["2026-04-04T14:45", "2026-04-05T15:15"],
  },
  {
    name: "a wildcard expression in Lord Howe fires in both passes of the half hour",
    spec: unix("*/15 1 * * *"),
    zone: "Australia/Lord_Howe",
    after: "2026-04-04T14:20",
    expected: [
      "2026-04-04T14:30",
      "2026-04-04T14:45",
      "2026-04-04T15:00",
      "2026-04-04T15:15",
      "2026-04-05T14:30",
    ],
  },
];

const noDaylightSaving: readonly Case[] = [
  {
    name: "Kolkata's +05:30 puts 02:30 at 21:00 UTC the day before, every day",
    spec: unix("30 2 * * *"),
    zone: "Asia/Kolkata",
    after: "2026-03-07T12:00",
    expected: ["2026-03-07T21:00", "2026-03-08T21:00", "2026-03-09T21:00"],
  },
  {
    name: "Kolkata runs 09:00 weekdays at 03:30 UTC",
    spec: aws("0 9 ? * MON-FRI *"),
    zone: "Asia/Kolkata",
    after: "2026-01-02T04:00",
    expected: ["2026-01-05T03:30", "2026-01-06T03:30"],
  },
  {
    name: "Kolkata's last-day-of-month midnight is 18:30 UTC the day before",
    spec: aws("0 0 L * ? *"),
    zone: "Asia/Kolkata",
    after: "2026-01-01T00:00",
    expected: ["2026-01-30T18:30", "2026-02-27T18:30"],
  },
];

describe("nextCronRun across daylight-saving changes (Debian cron(8) rules)", () => {
  describe("spring forward", () => {
    it.each(springForward)("$name", ({ spec, zone, after, expected }) => {
      expect(fireTimes(spec, `${after}:00Z`, zone, expected.length)).toEqual(expected.map(iso));
    });
  });

  describe("fall back", () => {
    it.each(fallBack)("$name", ({ spec, zone, after, expected }) => {
      expect(fireTimes(spec, `${after}:00Z`, zone, expected.length)).toEqual(expected.map(iso));
    });
  });

  describe("a zone without daylight saving", () => {
    it.each(noDaylightSaving)("$name", ({ spec, zone, after, expected }) => {
      expect(fireTimes(spec, `${after}:00Z`, zone, expected.length)).toEqual(expected.map(iso));
    });
  });

  it("does not fire at the end of a gap that ended at or before the given time", () => {
    expect(fireTimes(unix("30 2 * * *"), "2026-03-08T07:00:00Z", "America/New_York", 1)).toEqual([
      iso("2026-03-09T06:30"),
    ]);
  });

  it("fires at the end of a gap that ends just after the given time", () => {
    expect(fireTimes(unix("30 2 * * *"), "2026-03-08T06:59:59Z", "America/New_York", 1)).toEqual([
      iso("2026-03-08T07:00"),
    ]);
  });
});
