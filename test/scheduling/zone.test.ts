import fc from "fast-check";
import { IANAZone } from "luxon";
import { describe, expect, it } from "vitest";
import { InvalidScheduleError } from "../../src/errors.js";
import {
  canonicalZoneName,
  loadZone,
  offsetPeriodAt,
  resolveWallTime,
  type TimeZone,
  toWallTime,
  wallTimeToInstant,
} from "../../src/scheduling/zone.js";

const SECOND = 1_000;
const MINUTE = 60_000;
const at = (iso: string): number => Date.parse(iso);
const wall = (local: string): number => Date.parse(`${local}Z`);

const ZONES = [
  "America/New_York",
  "Europe/London",
  "Australia/Sydney",
  "Asia/Kolkata",
  "Australia/Lord_Howe",
  "America/Sao_Paulo",
  "Africa/Casablanca",
  "Asia/Gaza",
  "America/Boa_Vista",
  "Pacific/Apia",
  "Africa/Monrovia",
  "Europe/Dublin",
  "UTC",
] as const;

describe("loadZone", () => {
  it("refuses an unknown zone name, naming the timezone field", () => {
    expect(() => loadZone("Mars/Olympus_Mons")).toThrow(InvalidScheduleError);
    try {
      loadZone("Mars/Olympus_Mons");
    } catch (error) {
      expect(error).toMatchObject({ field: "timezone", expression: "Mars/Olympus_Mons" });
    }
  });

  it("returns one object per name", () => {
    expect(loadZone("Europe/Berlin")).toBe(loadZone("Europe/Berlin"));
  });

  it("gives NaN for an instant that is not a date, as before", () => {
    expect(loadZone("Europe/Berlin").offsetMinutes(Number.NaN)).toBeNaN();
  });

  it("names a zone given in any case by its IANA spelling", () => {
    expect(loadZone("europe/berlin").name).toBe("Europe/Berlin");
    expect(loadZone("europe/berlin")).toBe(loadZone("Europe/Berlin"));
  });

  it.each([
    ["+02:00", '"Etc/GMT-2" for that fixed offset all year (Etc/GMT signs are inverted)'],
    ["UTC+2", '"Etc/GMT-2"'],
    ["GMT-5", '"Etc/GMT+5"'],
    ["-0800", '"Etc/GMT+8"'],
    ["+05:30", "no Etc/GMT zone has that offset"],
  ])("refuses the bare offset %s, naming an IANA zone and %s", (offset, hint) => {
    expect(() => loadZone(offset)).toThrow(
      `time zone "${offset}" is a UTC offset, which has no daylight-saving rules: give the IANA zone of the place (e.g. "Europe/Berlin"), `,
    );
    expect(() => loadZone(offset)).toThrow(hint);
  });

  it("still reads the Etc/GMT zones, whose names carry an offset", () => {
    expect(loadZone("Etc/GMT-2").offsetMinutes(at("2026-07-01T00:00:00Z"))).toBe(120);
  });
});

describe("canonicalZoneName", () => {
  it.each([
    ["europe/berlin", "Europe/Berlin"],
    ["AMERICA/NEW_YORK", "America/New_York"],
    ["utc", "UTC"],
    ["etc/gmt-2", "Etc/GMT-2"],
    ["Europe/Berlin", "Europe/Berlin"],
    // An alias the ICU list leaves out keeps its spelling: Intl would name it Asia/Calcutta.
    ["Asia/Kolkata", "Asia/Kolkata"],
  ])("spells %s as %s", (given, canonical) => {
    expect(canonicalZoneName(given)).toBe(canonical);
  });

  it("leaves names it cannot read to loadZone, which says what is wrong", () => {
    expect(canonicalZoneName("Mars/Olympus_Mons")).toBe("Mars/Olympus_Mons");
    expect(canonicalZoneName("+02:00")).toBe("+02:00");
  });
});

describe("offsets from the cached period table", () => {
  it("agree with luxon at random instants from 1900 to 2200", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: at("1900-01-01T00:00:00Z"), max: at("2200-01-01T00:00:00Z") }),
        (name, instant) => {
          expect(loadZone(name).offsetMinutes(instant)).toBe(IANAZone.create(name).offset(instant));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it.each(ZONES)("change exactly where luxon's do, 2000-2040, in %s", (name) => {
    const zone = loadZone(name);
    const luxon = IANAZone.create(name);
    let start = at("2000-01-01T00:00:00Z");
    const end = at("2040-01-01T00:00:00Z");
    while (start < end) {
      const period = offsetPeriodAt(start, zone);
      const last = Math.min(period.end, end) - SECOND;
      expect(luxon.offset(Math.max(period.start, start))).toBe(period.offsetMinutes);
      expect(luxon.offset(last)).toBe(period.offsetMinutes);
      // Samples every 97 hours inside the period agree too.
      for (let t = Math.max(period.start, start); t < last; t += 97 * 60 * MINUTE) {
        expect(zone.offsetMinutes(t)).toBe(period.offsetMinutes);
      }
      start = period.end;
    }
  });

  it("finds New York's 2026 change to the second", () => {
    const period = offsetPeriodAt(at("2026-03-08T07:00:00Z"), loadZone("America/New_York"));
    expect(period.start).toBe(at("2026-03-08T07:00:00Z"));
    expect(period.offsetMinutes).toBe(-240);
    expect(loadZone("America/New_York").offsetMinutes(period.start - 1)).toBe(-300);
  });

  it("covers all time in UTC with one period", () => {
    const period = offsetPeriodAt(0, loadZone("UTC"));
    expect([period.start, period.end, period.offsetMinutes]).toEqual([
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      0,
    ]);
  });

  it("works for a time zone made elsewhere, finding its change to the second", () => {
    const change = at("2026-06-10T12:34:56Z");
    const custom: TimeZone = {
      name: "Custom/Test",
      offsetMinutes: (instant) => (instant < change ? 60 : 120),
    };
    expect(offsetPeriodAt(change, custom)).toMatchObject({ start: change, offsetMinutes: 120 });
    expect(offsetPeriodAt(change - 1, custom)).toMatchObject({ end: change, offsetMinutes: 60 });
  });
});

describe("resolveWallTime", () => {
  const newYork = loadZone("America/New_York");
  const lordHowe = loadZone("Australia/Lord_Howe");

  it.each([
    {
      name: "an ordinary New York time is unique",
      zone: newYork,
      local: "2026-07-01T12:00",
      expected: { kind: "unique", instant: at("2026-07-01T16:00:00Z") },
    },
    {
      name: "02:30 on New York's spring-forward day is in the gap",
      zone: newYork,
      local: "2026-03-08T02:30",
      expected: {
        kind: "gap",
        shifted: at("2026-03-08T07:30:00Z"),
        gapEnd: at("2026-03-08T07:00:00Z"),
      },
    },
    {
      name: "01:30 on New York's fall-back day is repeated",
      zone: newYork,
      local: "2026-11-01T01:30",
      expected: {
        kind: "repeated",
        first: at("2026-11-01T05:30:00Z"),
        second: at("2026-11-01T06:30:00Z"),
      },
    },
    {
      name: "02:15 on Lord Howe's spring-forward day is in its half-hour gap",
      zone: lordHowe,
      local: "2026-10-04T02:15",
      expected: {
        kind: "gap",
        shifted: at("2026-10-03T15:45:00Z"),
        gapEnd: at("2026-10-03T15:30:00Z"),
      },
    },
    {
      name: "01:45 on Lord Howe's fall-back day is repeated half an hour apart",
      zone: lordHowe,
      local: "2026-04-05T01:45",
      expected: {
        kind: "repeated",
        first: at("2026-04-04T14:45:00Z"),
        second: at("2026-04-04T15:15:00Z"),
      },
    },
  ])("$name", ({ zone, local, expected }) => {
    expect(resolveWallTime(wall(local), zone)).toEqual(expected);
  });

  it("reads a gap and a repeated time the RFC 5545 way", () => {
    expect(wallTimeToInstant(wall("2026-03-08T02:30"), newYork)).toBe(at("2026-03-08T07:30:00Z"));
    expect(wallTimeToInstant(wall("2026-11-01T01:30"), newYork)).toBe(at("2026-11-01T05:30:00Z"));
  });

  it("maps instants to wall times with the offset in force", () => {
    expect(toWallTime(at("2026-11-01T05:30:00Z"), newYork)).toBe(wall("2026-11-01T01:30"));
    expect(toWallTime(at("2026-11-01T06:30:00Z"), newYork)).toBe(wall("2026-11-01T01:30"));
  });
});
