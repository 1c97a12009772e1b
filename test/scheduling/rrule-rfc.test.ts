import { describe, expect, it } from "vitest";
import { days, localTimes, runs } from "./support.js";

/**
 * The recurrence examples of RFC 5545 §3.8.5.3, verbatim (America/New_York), with the RFC's
 * expected date-times. "forever" rules are checked over their first occurrences.
 */
interface RfcExample {
  readonly name: string;
  readonly dtstart: string;
  readonly lines: string;
  readonly expected: readonly string[];
  /** How many to ask for; more than `expected` when the rule must end there. */
  readonly ask?: number;
}

const NINE = "09:00";
const EXAMPLES: RfcExample[] = [
  {
    name: "daily for 10 occurrences",
    dtstart: "19970902T090000",
    lines: "RRULE:FREQ=DAILY;COUNT=10",
    expected: days("1997-09", "2..11", NINE),
    ask: 12,
  },
  {
    name: "daily until December 24, 1997",
    dtstart: "19970902T090000",
    lines: "RRULE:FREQ=DAILY;UNTIL=19971224T000000Z",
    expected: [
      ...days("1997-09", "2..30", NINE),
      ...days("1997-10", "1..31", NINE),
      ...days("1997-11", "1..30", NINE),
      ...days("1997-12", "1..23", NINE),
    ],
    ask: 200,
  },
  {
    name: "every other day, forever",
    dtstart: "19970902T090000",
    lines: "RRULE:FREQ=DAILY;INTERVAL=2",
    expected: [
      ...days("1997-09", "2,4,6,8,10,12,14,16,18,20,22,24,26,28,30", NINE),
      ...days("1997-10", "2", NINE),
    ],
  },
  {
    name: "every 10 days, 5 occurrences",
    dtstart: "19970902T090000",
    lines: "RRULE:FREQ=DAILY;INTERVAL=10;COUNT=5",
    expected: [...days("1997-09", "2,12,22", NINE), ...days("1997-10", "2,12", NINE)],
    ask: 6,
  },
  ...[
    "RRULE:FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA",
    "RRULE:FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1",
  ].map((lines) => ({
    name: `every day in January, for 3 years (${lines.slice(11, 16)})`,
    dtstart: "19980101T090000",
    lines,
    expected: ["1998", "1999", "2000"].flatMap((y) => days(`${y}-01`, "1..31", NINE)),
    ask: 100,
  })),
  {
    name: "weekly for 10 occurrences",
    dtstart: "19970902T090000",
    lines: "RRULE:FREQ=WEEKLY;COUNT=10",
    expected: [
      ...days("1997-09", "2,9,16,23,30", NINE),
      ...days("1997-10", "7,14,21,28", NINE),
      "1997-11-04T09:00",
    ],
    ask: 11,
  },
  {
    name: "weekly until December 24, 1997",
    dtstart: "19970902T090000",
    lines: "RRULE:FREQ=WEEKLY;UNTIL=19971224T000000Z",
    expected: [
      ...days("1997-09", "2,9,16,23,30", NINE),
      ...days("1997-10", "7,14,21,28", NINE),
      ...days("1997-11", "4,11,18,25", NINE),
      ...days("1997-12", "2,9,16,23", NINE),
    ],
    ask: 30,
  },
  {
    name: "every other week, forever",
    dtstart: "19970902T090000",
    lines: "RRULE:FREQ=WEEKLY;INTERVAL=2;WKST=SU",
    expected: [
      ...days("1997-09", "2,16,30", NINE),
      ...days("1997-10", "14,28", NINE),
      ...days("1997-11", "11,25", NINE),
      ...days("1997-12", "9,23", NINE),
      ...days("1998-01", "6,20", NINE),
      ...days("1998-02", "3,17", NINE),
    ],
    ask: 13,
  },
  ...["UNTIL=19971007T000000Z", "COUNT=10"].map((end) => ({
    name: `weekly on Tuesday and Thursday for five weeks (${end.slice(0, 5)})`,
    dtstart: "19970902T090000",
    lines: `RRULE:FREQ=WEEKLY;${end};WKST=SU;BYDAY=TU,TH`,
    expected: [...days("1997-09", "2,4,9,11,16,18,23,25,30", NINE), "1997-10-02T09:00"],
    ask: 12,
  })),
  {
    name: "every other week on Monday, Wednesday and Friday until December 24, 1997",
    dtstart: "19970901T090000",
    lines: "RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR",
    expected: [
      ...days("1997-09", "1,3,5,15,17,19,29", NINE),
      ...days("1997-10", "1,3,13,15,17,27,29,31", NINE),
      ...days("1997-11", "10,12,14,24,26,28", NINE),
      ...days("1997-12", "8,10,12,22", NINE),
    ],
    ask: 40,
  },
  {
    name: "every other week on Tuesday and Thursday, for 8 occurrences",
    dtstart: "19970902T090000",
    lines: "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH",
    expected: [...days("1997-09", "2,4,16,18,30", NINE), ...days("1997-10", "2,14,16", NINE)],
    ask: 10,
  },
  {
    name: "monthly on the first Friday for 10 occurrences",
    dtstart: "19970905T090000",
    lines: "RRULE:FREQ=MONTHLY;COUNT=10;BYDAY=1FR",
    expected: localDays(
      "1997-09-05 1997-10-03 1997-11-07 1997-12-05 1998-01-02 1998-02-06 1998-03-06 1998-04-03 1998-05-01 1998-06-05",
    ),
    ask: 11,
  },
  {
    name: "monthly on the first Friday until December 24, 1997",
    dtstart: "19970905T090000",
    lines: "RRULE:FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR",
    expected: localDays("1997-09-05 1997-10-03 1997-11-07 1997-12-05"),
    ask: 6,
  },
  {
    name: "every other month on the first and last Sunday for 10 occurrences",
    dtstart: "19970907T090000",
    lines: "RRULE:FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU",
    expected: localDays(
      "1997-09-07 1997-09-28 1997-11-02 1997-11-30 1998-01-04 1998-01-25 1998-03-01 1998-03-29 1998-05-03 1998-05-31",
    ),
    ask: 12,
  },
  {
    name: "monthly on the second-to-last Monday for 6 months",
    dtstart: "19970922T090000",
    lines: "RRULE:FREQ=MONTHLY;COUNT=6;BYDAY=-2MO",
    expected: localDays("1997-09-22 1997-10-20 1997-11-17 1997-12-22 1998-01-19 1998-02-16"),
    ask: 8,
  },
  {
    name: "monthly on the third-to-the-last day, forever",
    dtstart: "19970928T090000",
    lines: "RRULE:FREQ=MONTHLY;BYMONTHDAY=-3",
    expected: localDays("1997-09-28 1997-10-29 1997-11-28 1997-12-29 1998-01-29 1998-02-26"),
    ask: 6,
  },
  {
    name: "monthly on the 2nd and 15th for 10 occurrences",
    dtstart: "19970902T090000",
    lines: "RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15",
    expected: localDays(
      "1997-09-02 1997-09-15 1997-10-02 1997-10-15 1997-11-02 1997-11-15 1997-12-02 1997-12-15 1998-01-02 1998-01-15",
    ),
    ask: 12,
  },
  {
    name: "monthly on the first and last day for 10 occurrences",
    dtstart: "19970930T090000",
    lines: "RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1",
    expected: localDays(
      "1997-09-30 1997-10-01 1997-10-31 1997-11-01 1997-11-30 1997-12-01 1997-12-31 1998-01-01 1998-01-31 1998-02-01",
    ),
    ask: 12,
  },
  {
    name: "every 18 months on the 10th through 15th for 10 occurrences",
    dtstart: "19970910T090000",
    lines: "RRULE:FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15",
    expected: [...days("1997-09", "10..15", NINE), ...days("1999-03", "10..13", NINE)],
    ask: 12,
  },
  {
    name: "every Tuesday, every other month",
    dtstart: "19970902T090000",
    lines: "RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=TU",
    expected: [
      ...days("1997-09", "2,9,16,23,30", NINE),
      ...days("1997-11", "4,11,18,25", NINE),
      ...days("1998-01", "6,13,20,27", NINE),
      ...days("1998-03", "3,10,17,24,31", NINE),
    ],
    ask: 18,
  },
  {
    name: "yearly in June and July for 10 occurrences",
    dtstart: "19970610T090000",
    lines: "RRULE:FREQ=YEARLY;COUNT=10;BYMONTH=6,7",
    expected: ["1997", "1998", "1999", "2000", "2001"].flatMap((y) => [
      `${y}-06-10T09:00`,
      `${y}-07-10T09:00`,
    ]),
    ask: 12,
  },
  {
    name: "every other year on January, February and March for 10 occurrences",
    dtstart: "19970310T090000",
    lines: "RRULE:FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3",
    expected: [
      "1997-03-10T09:00",
      ...["1999", "2001", "2003"].flatMap((y) => [
        `${y}-01-10T09:00`,
        `${y}-02-10T09:00`,
        `${y}-03-10T09:00`,
      ]),
    ],
    ask: 12,
  },
  {
    name: "every third year on the 1st, 100th and 200th day for 10 occurrences",
    dtstart: "19970101T090000",
    lines: "RRULE:FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200",
    expected: localDays(
      "1997-01-01 1997-04-10 1997-07-19 2000-01-01 2000-04-09 2000-07-18 2003-01-01 2003-04-10 2003-07-19 2006-01-01",
    ),
    ask: 12,
  },
  {
    name: "every 20th Monday of the year, forever",
    dtstart: "19970519T090000",
    lines: "RRULE:FREQ=YEARLY;BYDAY=20MO",
    expected: localDays("1997-05-19 1998-05-18 1999-05-17"),
    ask: 3,
  },
  {
    name: "Monday of week number 20, forever",
    dtstart: "19970512T090000",
    lines: "RRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
    expected: localDays("1997-05-12 1998-05-11 1999-05-17"),
    ask: 3,
  },
  {
    name: "every Thursday in March, forever",
    dtstart: "19970313T090000",
    lines: "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=TH",
    expected: [
      ...days("1997-03", "13,20,27", NINE),
      ...days("1998-03", "5,12,19,26", NINE),
      ...days("1999-03", "4,11,18,25", NINE),
    ],
    ask: 11,
  },
  {
    name: "every Thursday, but only during June, July and August, forever",
    dtstart: "19970605T090000",
    lines: "RRULE:FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8",
    expected: [
      ...days("1997-06", "5,12,19,26", NINE),
      ...days("1997-07", "3,10,17,24,31", NINE),
      ...days("1997-08", "7,14,21,28", NINE),
      ...days("1998-06", "4,11,18,25", NINE),
    ],
    ask: 17,
  },
  {
    name: "every Friday the 13th, forever (DTSTART excluded)",
    dtstart: "19970902T090000",
    lines:
      "EXDATE;TZID=America/New_York:19970902T090000\nRRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
    expected: localDays("1998-02-13 1998-03-13 1998-11-13 1999-08-13 2000-10-13"),
  },
  {
    name: "the first Saturday that follows the first Sunday of the month, forever",
    dtstart: "19970913T090000",
    lines: "RRULE:FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13",
    expected: localDays(
      "1997-09-13 1997-10-11 1997-11-08 1997-12-13 1998-01-10 1998-02-07 1998-03-07 1998-04-11 1998-05-09 1998-06-13",
    ),
    ask: 10,
  },
  {
    name: "every 4 years, the first Tuesday after a Monday in November (U.S. election day)",
    dtstart: "19961105T090000",
    lines: "RRULE:FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8",
    expected: localDays("1996-11-05 2000-11-07 2004-11-02"),
    ask: 3,
  },
  {
    name: "the third instance of Tuesday, Wednesday or Thursday, for the next 3 months",
    dtstart: "19970904T090000",
    lines: "RRULE:FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3",
    expected: localDays("1997-09-04 1997-10-07 1997-11-06"),
    ask: 4,
  },
  {
    name: "the second-to-last weekday of the month",
    dtstart: "19970929T090000",
    lines: "RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2",
    expected: localDays(
      "1997-09-29 1997-10-30 1997-11-27 1997-12-30 1998-01-29 1998-02-26 1998-03-30",
    ),
    ask: 7,
  },
  {
    // The RFC's UNTIL=19970902T170000Z is 13:00 EDT, which contradicts its own list (erratum);
    // 21:00Z is the 17:00 EDT the text means.
    name: "every 3 hours from 9:00 AM to 5:00 PM on a specific day",
    dtstart: "19970902T090000",
    lines: "RRULE:FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T210000Z",
    expected: ["1997-09-02T09:00", "1997-09-02T12:00", "1997-09-02T15:00"],
    ask: 5,
  },
  {
    name: "every 15 minutes for 6 occurrences",
    dtstart: "19970902T090000",
    lines: "RRULE:FREQ=MINUTELY;INTERVAL=15;COUNT=6",
    expected: ["09:00", "09:15", "09:30", "09:45", "10:00", "10:15"].map((t) => `1997-09-02T${t}`),
    ask: 8,
  },
  {
    name: "every hour and a half for 4 occurrences",
    dtstart: "19970902T090000",
    lines: "RRULE:FREQ=MINUTELY;INTERVAL=90;COUNT=4",
    expected: ["09:00", "10:30", "12:00", "13:30"].map((t) => `1997-09-02T${t}`),
    ask: 5,
  },
  ...[
    "RRULE:FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40",
    "RRULE:FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16",
  ].map((lines) => ({
    name: `every 20 minutes from 9:00 AM to 4:40 PM every day (${lines.slice(11, 16)})`,
    dtstart: "19970902T090000",
    lines,
    expected: [
      ...[9, 10, 11, 12, 13, 14, 15, 16].flatMap((h) =>
        ["00", "20", "40"].map((m) => `1997-09-02T${String(h).padStart(2, "0")}:${m}`),
      ),
      "1997-09-03T09:00",
      "1997-09-03T09:20",
    ],
    ask: 26,
  })),
  {
    name: "an example where the days generated make a difference because of WKST=MO",
    dtstart: "19970805T090000",
    lines: "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO",
    expected: localDays("1997-08-05 1997-08-10 1997-08-19 1997-08-24"),
    ask: 5,
  },
  {
    name: "changing only WKST from MO to SU yields different results",
    dtstart: "19970805T090000",
    lines: "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU",
    expected: localDays("1997-08-05 1997-08-17 1997-08-19 1997-08-31"),
    ask: 5,
  },
  {
    name: "an example where an invalid date (February 30) is ignored",
    dtstart: "20070115T090000",
    lines: "RRULE:FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5",
    expected: localDays("2007-01-15 2007-01-30 2007-02-15 2007-03-15 2007-03-30"),
    ask: 6,
  },
];

/** "1997-09-05 1997-10-03" → 09:00 wall times on those days. */
function localDays(list: string): string[] {
  return list.split(" ").map((day) => `${day}T${NINE}`);
}

describe("RFC 5545 §3.8.5.3 examples in America/New_York", () => {
  it.each(EXAMPLES)("$name", ({ dtstart, lines, expected, ask }) => {
    const text = `DTSTART;TZID=America/New_York:${dtstart}\n${lines}`;
    const wall = `${dtstart.slice(0, 4)}-${dtstart.slice(4, 6)}-${dtstart.slice(6, 8)}T${dtstart.slice(9, 11)}:${dtstart.slice(11, 13)}`;
    const start = Date.parse(localTimes("America/New_York", [wall])[0] ?? "");
    const after = new Date(start - 1000).toISOString();
    expect(runs(text, { after, count: ask ?? expected.length })).toEqual(
      localTimes("America/New_York", expected),
    );
  });
});
