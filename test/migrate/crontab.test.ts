/**
 * A crontab read into schedules: comments, environment lines, macros, CRON_TZ, and the
 * entries that cannot be schedules, each refused with its line number.
 */
import { describe, expect, it } from "vitest";
import { readCrontab } from "../../src/migrate/crontab.js";

/** A crontab as `crontab -l` prints it on a real machine. */
const CRONTAB = `# Edit this file to introduce tasks to be run by cron.
#
# m h  dom mon dow   command
SHELL=/bin/bash
PATH="/usr/local/bin:/usr/bin:/bin"
MAILTO=ops@example.com

*/15 * * * *  /usr/local/bin/poll-queue --batch 50
0 3 * * *     /usr/local/bin/backup --full > /var/log/backup.log 2>&1
@hourly       /usr/local/bin/rotate-logs

CRON_TZ=Europe/Berlin
30 7 * * mon-fri /usr/local/bin/report --date=$(date +\\%F)
@daily        /usr/local/bin/backup --full > /var/log/backup.log 2>&1
@reboot       /usr/local/bin/start-agent
`;

describe("reading a crontab", () => {
  const reading = readCrontab(CRONTAB, { job: "shell" });

  it("makes one schedule per entry, skipping comments, blank and environment lines", () => {
    expect(reading.schedules.map(({ line, input }) => [line, input.expression])).toEqual([
      [8, "*/15 * * * *"],
      [9, "0 3 * * *"],
      [10, "@hourly"],
      [13, "30 7 * * mon-fri"],
      [14, "@daily"],
    ]);
  });

  it("reads entries before CRON_TZ in the given zone, and those after it in CRON_TZ's", () => {
    expect(reading.schedules.map(({ input }) => input.timezone)).toEqual([
      "UTC",
      "UTC",
      "UTC",
      "Europe/Berlin",
      "Europe/Berlin",
    ]);
    const inNewYork = readCrontab("0 3 * * * backup\n", {
      job: "shell",
      timezone: "America/New_York",
    });
    expect(inNewYork.schedules[0]?.input.timezone).toBe("America/New_York");
  });

  it("gives the command as the payload, with the environment cron would give it and % unescaped", () => {
    expect(reading.schedules[3]?.input).toMatchObject({
      job: "shell",
      payload: {
        command: "/usr/local/bin/report --date=$(date +%F)",
        env: { SHELL: "/bin/bash", PATH: "/usr/local/bin:/usr/bin:/bin" },
      },
    });
    expect(readCrontab("@daily backup\n", { job: "shell" }).schedules[0]?.input.payload).toEqual({
      command: "backup",
    });
  });

  it("derives ids from the command, so a changed time keeps the id, and numbers a repeated command", () => {
    const ids = reading.schedules.map(({ input }) => input.id);
    expect(ids[1]).toMatch(/^shell-[0-9a-f]{12}$/);
    expect(ids[4]).toBe(`${ids[1]}-2`);
    const moved = readCrontab(CRONTAB.replace("0 3 * * *", "0 4 * * *"), { job: "shell" });
    expect(moved.schedules.map(({ input }) => input.id)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("notes MAILTO as not carried over", () => {
    expect(reading.ignored).toEqual([
      { line: 6, reason: expect.stringMatching(/^MAILTO is not carried over/) },
    ]);
  });

  it.each([
    ["@reboot", "@reboot /usr/local/bin/start-agent", /@reboot runs when the cron daemon starts/],
    ["an unescaped %", "0 12 * * * mail -s hi ops % body", /unescaped "%"/],
    ["a line with too few fields", "0 12 * * echo", /not a crontab entry/],
    ["a CRON_TZ that is no zone", "CRON_TZ=Mars/Olympus", /CRON_TZ: .*Mars\/Olympus/],
  ])("refuses %s with its line number and why", (_what, text, reason) => {
    const { refused, schedules } = readCrontab(`# first\n${text}\n`, { job: "shell" });
    expect(schedules).toEqual([]);
    expect(refused).toEqual([{ line: 2, reason: expect.stringMatching(reason) }]);
  });

  it("refuses @reboot in the real-looking crontab at its line", () => {
    expect(reading.refused).toEqual([{ line: 15, reason: expect.stringMatching(/@reboot/) }]);
  });
});
