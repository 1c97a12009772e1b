/**
 * `why` on the embedded store, as a user types it: one line per reason, and JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cli, createCli, expectExit, JOBS } from "./support.js";

interface WhyJson {
  readonly verdict: string;
  readonly occurrence?: string;
  readonly reasons: readonly { kind: string; message: string }[];
}

describe("the why command on the embedded store", () => {
  let cli: Cli;
  beforeAll(async () => {
    cli = createCli({ LAMBDA_SCHEDULER_DB: "schedules.db" });
    expectExit(
      await cli.run([
        "add",
        "greet",
        "--id",
        "daily",
        "--schedule",
        "30 2 * * *",
        "--tz",
        "America/New_York",
        "--payload",
        '{"name":"Ada"}',
        "--jobs",
        JOBS,
      ]),
      0,
    );
  });
  afterAll(() => cli.dispose());

  it("prints the verdict, then one line per reason", async () => {
    const result = await cli.run(["why", "daily", "--at", "2026-01-02T07:30:00Z"]);
    expectExit(result, 0);
    const [verdict, ...reasons] = result.stdout.trimEnd().split("\n");
    expect(verdict).toBe("not-run, occurrence 2026-01-02T07:30:00Z");
    expect(reasons).toEqual([
      expect.stringMatching(/^ {2}before-start: .* before the schedule was created/),
    ]);
  });

  it("names the DST rule of an occurrence in a spring-forward gap, in JSON", async () => {
    const answer = await cli.json<WhyJson>(["why", "daily", "--at", "2027-03-14T07:00:00Z"]);
    expect(answer.occurrence).toBe("2027-03-14T07:00:00Z");
    expect(answer.reasons.map((r) => r.kind)).toContain("dst-gap");
  });

  it("refuses a time that is not an instant, naming the field", async () => {
    const result = await cli.run(["why", "daily", "--at", "tomorrow"]);
    expectExit(result, 1);
    expect(result.stderr).toContain('at "tomorrow" is not an instant');
  });
});
