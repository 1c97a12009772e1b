/**
 * What a newcomer runs into first, on the embedded store: time zones in any case, jitter as
 * long as the schedule's interval, hints that name the commands to type.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cli, createCli, expectExit } from "./support.js";

interface Added {
  status: string;
  schedule: { id: string; timezone: string };
  warning?: string;
}

describe("a newcomer's first commands", () => {
  let cli: Cli;
  beforeAll(() => {
    cli = createCli();
  });
  afterAll(() => cli.dispose());

  it("stores a time zone given in lower case under its IANA spelling, with the same id", async () => {
    const lower = await cli.json<Added>([
      "add",
      "greet",
      "--schedule",
      "0 9 * * *",
      "--tz",
      "europe/berlin",
    ]);
    expect(lower.schedule.timezone).toBe("Europe/Berlin");
    const spelled = await cli.json<Added>([
      "add",
      "greet",
      "--schedule",
      "0 9 * * *",
      "--tz",
      "Europe/Berlin",
    ]);
    expect(spelled).toMatchObject({ status: "unchanged", schedule: { id: lower.schedule.id } });
  });

  it("refuses a bare offset as a time zone, naming the Etc/GMT zone with its sign inverted", async () => {
    const result = await cli.run(["add", "greet", "--schedule", "0 9 * * *", "--tz", "+02:00"]);
    expectExit(result, 1);
    expect(result.stderr).toMatch(
      /^error: time zone "\+02:00" is a UTC offset, .*"Europe\/Berlin".*"Etc\/GMT-2" for that fixed offset/,
    );
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("warns on add, in one line, when the jitter is not shorter than the interval", async () => {
    const result = await cli.run([
      "add",
      "greet",
      "--schedule",
      "rate(5 minutes)",
      "--jitter",
      "5m",
      "--id",
      "jittery",
    ]);
    expectExit(result, 0);
    expect(result.stderr).toBe(
      "warning: --jitter 5m is not shorter than the interval between runs (5m): a run may start after the next one was due; use less than 5m\n",
    );
  });

  it("gives the warning as a field with --json on update, and none once the jitter is shorter", async () => {
    const longer = await cli.json<Added>(["update", "jittery", "--jitter", "10m"]);
    expect(longer.warning).toMatch(
      /^--jitter 10m is not shorter than the interval between runs \(5m\)/,
    );
    const shorter = await cli.json<Added>(["update", "jittery", "--jitter", "1m"]);
    expect(shorter).not.toHaveProperty("warning");
  });

  it("shows field by field what differs when an add meets the schedule an update changed", async () => {
    const add = ["add", "greet", "--schedule", "rate(1 day)", "--payload", '{"name":"Ada"}'];
    const added = await cli.json<Added>(add);
    await cli.json(["update", added.schedule.id, "--payload", '{"name":"Grace"}']);
    const again = await cli.run(add);
    expectExit(again, 1);
    expect(again.stderr).toBe(
      [
        `error: schedule "${added.schedule.id}" already exists and differs from this one (changed by an update?):`,
        `  payload:  stored {"name":"Grace"}, given {"name":"Ada"}`,
        `to make it this one: lambda-scheduler update ${added.schedule.id} --payload '{"name":"Ada"}'; or give another --id`,
        "",
      ].join("\n"),
    );
  });
});
