/**
 * The package as users (and the independent corpus) load it: by name, from the build.
 * `npm test` builds before it runs the tests.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url);

describe("the built package", () => {
  it("answers to its own name with the public API", () => {
    const script = `
      import { nextRuns, parseSchedule, defineJob, InvalidScheduleError } from "lambda-scheduler";
      const runs = nextRuns("30 2 * * *", { after: new Date("2026-03-07T00:00:00Z"), count: 2, timezone: "America/New_York" });
      let refused = "";
      try { parseSchedule("rate(0 minutes)"); } catch (error) { refused = error instanceof InvalidScheduleError ? error.message : "wrong class"; }
      console.log(JSON.stringify({ runs, refused, defineJob: typeof defineJob }));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(JSON.parse(out)).toEqual({
      runs: ["2026-03-07T07:30:00.000Z", "2026-03-08T07:00:00.000Z"],
      refused: 'rate value "0" must be a whole number ≥ 1, e.g. rate(5 minutes)',
      defineJob: "function",
    });
  });

  it("ships the type declarations its exports map names", () => {
    const pkg = JSON.parse(readFileSync(new URL("package.json", ROOT), "utf8"));
    const types = readFileSync(new URL(pkg.exports["."].types, ROOT), "utf8");
    expect(types).toMatch(/export \* from "\.\/scheduling\/index\.js"/);
    const scheduling = readFileSync(new URL("dist/lib/scheduling/index.d.ts", ROOT), "utf8");
    expect(scheduling).toMatch(/nextRuns/);
  });
});
