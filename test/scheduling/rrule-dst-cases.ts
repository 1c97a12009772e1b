/**
 * RFC 5545 §3.3.5 around daylight-saving changes: a local time skipped by a gap is read with
 * the offset from before the gap (02:30 → 03:30), a repeated one is its first occurrence.
 * Shared by the tests that run them in different process time zones.
 */
export interface DstCase {
  readonly name: string;
  readonly text: string;
  readonly after: string;
  readonly expected: readonly string[];
}

export const RRULE_DST_CASES: readonly DstCase[] = [
  {
    name: "New York: a daily 02:30 skipped by spring-forward fires at 03:30 EDT",
    text: "DTSTART;TZID=America/New_York:20260307T023000\nRRULE:FREQ=DAILY",
    after: "2026-03-01T00:00:00Z",
    expected: ["2026-03-07T07:30:00.000Z", "2026-03-08T07:30:00.000Z", "2026-03-09T06:30:00.000Z"],
  },
  {
    name: "New York: a daily 01:30 repeated by fall-back fires once, at its first (EDT) occurrence",
    text: "DTSTART;TZID=America/New_York:20261031T013000\nRRULE:FREQ=DAILY",
    after: "2026-10-01T00:00:00Z",
    expected: ["2026-10-31T05:30:00.000Z", "2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"],
  },
  {
    name: "New York: hourly at :30 over spring-forward fires once at 03:30, not twice",
    text: "DTSTART;TZID=America/New_York:20260308T003000\nRRULE:FREQ=HOURLY",
    after: "2026-03-01T00:00:00Z",
    expected: [
      "2026-03-08T05:30:00.000Z",
      "2026-03-08T06:30:00.000Z",
      "2026-03-08T07:30:00.000Z",
      "2026-03-08T08:30:00.000Z",
    ],
  },
  {
    name: "New York: hourly at :30 over fall-back skips the second 01:30 (EST)",
    text: "DTSTART;TZID=America/New_York:20261101T003000\nRRULE:FREQ=HOURLY",
    after: "2026-10-01T00:00:00Z",
    expected: [
      "2026-11-01T04:30:00.000Z",
      "2026-11-01T05:30:00.000Z",
      "2026-11-01T07:30:00.000Z",
      "2026-11-01T08:30:00.000Z",
    ],
  },
  {
    name: "New York: every 45 minutes, a shifted 02:15 (03:15 EDT) comes after 03:00 EDT in real time",
    text: "DTSTART;TZID=America/New_York:20260308T000000\nRRULE:FREQ=MINUTELY;INTERVAL=45",
    after: "2026-03-08T06:00:00Z",
    expected: [
      "2026-03-08T06:30:00.000Z",
      "2026-03-08T07:00:00.000Z",
      "2026-03-08T07:15:00.000Z",
      "2026-03-08T07:45:00.000Z",
      "2026-03-08T08:30:00.000Z",
    ],
  },
  {
    name: "New York: COUNT counts local times, and two that land on one instant fire once",
    text: "DTSTART;TZID=America/New_York:20260308T013000\nRRULE:FREQ=MINUTELY;INTERVAL=30;COUNT=6",
    after: "2026-03-01T00:00:00Z",
    expected: [
      "2026-03-08T06:30:00.000Z",
      "2026-03-08T07:00:00.000Z",
      "2026-03-08T07:30:00.000Z",
      "2026-03-08T08:00:00.000Z",
    ],
  },
  {
    name: "London: a weekly Sunday 01:30 skipped by BST fires at 02:30 BST",
    text: "DTSTART;TZID=Europe/London:20260322T013000\nRRULE:FREQ=WEEKLY",
    after: "2026-03-01T00:00:00Z",
    expected: ["2026-03-22T01:30:00.000Z", "2026-03-29T01:30:00.000Z", "2026-04-05T00:30:00.000Z"],
  },
  {
    name: "London: a daily 01:15 repeated when BST ends fires at its BST occurrence",
    text: "DTSTART;TZID=Europe/London:20261024T011500\nRRULE:FREQ=DAILY",
    after: "2026-10-01T00:00:00Z",
    expected: ["2026-10-24T00:15:00.000Z", "2026-10-25T00:15:00.000Z", "2026-10-26T01:15:00.000Z"],
  },
  {
    name: "Sydney: a daily 02:30 skipped in October fires at 03:30 AEDT",
    text: "DTSTART;TZID=Australia/Sydney:20261003T023000\nRRULE:FREQ=DAILY",
    after: "2026-10-01T00:00:00Z",
    expected: ["2026-10-02T16:30:00.000Z", "2026-10-03T16:30:00.000Z", "2026-10-04T15:30:00.000Z"],
  },
  {
    name: "Sydney: a daily 02:30 repeated in April fires at its AEDT occurrence",
    text: "DTSTART;TZID=Australia/Sydney:20260404T023000\nRRULE:FREQ=DAILY",
    after: "2026-04-01T00:00:00Z",
    expected: ["2026-04-03T15:30:00.000Z", "2026-04-04T15:30:00.000Z", "2026-04-05T16:30:00.000Z"],
  },
  {
    name: "Lord Howe: a daily 02:15 skipped by the 30-minute gap fires at 02:45 (+11:00)",
    text: "DTSTART;TZID=Australia/Lord_Howe:20261003T021500\nRRULE:FREQ=DAILY",
    after: "2026-10-01T00:00:00Z",
    expected: ["2026-10-02T15:45:00.000Z", "2026-10-03T15:45:00.000Z", "2026-10-04T15:15:00.000Z"],
  },
  {
    name: "Lord Howe: a daily 01:45 repeated by the 30-minute fall-back fires at its +11:00 occurrence",
    text: "DTSTART;TZID=Australia/Lord_Howe:20260404T014500\nRRULE:FREQ=DAILY",
    after: "2026-04-01T00:00:00Z",
    expected: ["2026-04-03T14:45:00.000Z", "2026-04-04T14:45:00.000Z", "2026-04-05T15:15:00.000Z"],
  },
  {
    name: "Kolkata: no daylight saving, a daily 09:00 is always 03:30 UTC",
    text: "DTSTART;TZID=Asia/Kolkata:20260307T090000\nRRULE:FREQ=DAILY",
    after: "2026-03-07T00:00:00Z",
    expected: ["2026-03-07T03:30:00.000Z", "2026-03-08T03:30:00.000Z", "2026-03-09T03:30:00.000Z"],
  },
];
