import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "./support.js";

describe("the lambda-scheduler program", () => {
  it("exits 2 for an unknown command, and suggests the closest one", () => {
    const result = runCli(["nxt"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: unknown command 'nxt'");
    expect(result.stderr).toContain("Did you mean next?");
  });

  it("exits 2 and shows help when no command is given", () => {
    const result = runCli([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Usage: lambda-scheduler [options] [command]");
  });

  it("lists its commands with --help and exits 0", () => {
    const result = runCli(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/next \[options\] <expression>/);
    expect(result.stdout).toMatch(/validate \[options\] <expression>/);
  });

  it("prints the package version", () => {
    const result = runCli(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("prints no colour codes when NO_COLOR is set, even if FORCE_COLOR is", () => {
    const args = ["next", "rate(5 minutes)", "--after", "2026-01-05T09:00:00Z", "--count", "1"];
    expect(runCli(args, { FORCE_COLOR: "1" }).stdout).toContain("\u001b[");
    expect(runCli(args, { FORCE_COLOR: "1", NO_COLOR: "1" }).stdout).not.toContain("\u001b[");
  });
});

describe("output piped into a reader that closes early", () => {
  // `true` reads nothing and exits at once: every write then meets a closed pipe, as the
  // later writes do with `| head -2`.
  it.each([
    ["add", "--help"],
    ["next", "rate(1 minute)", "--count", "500"],
  ])("ends quietly: lambda-scheduler %s … | true", (...args) => {
    const cli = fileURLToPath(new URL("../../bin/lambda-scheduler.js", import.meta.url));
    const line = [process.execPath, cli, ...args].map((word) => `'${word}'`).join(" ");
    const child = spawnSync("sh", ["-c", `${line} | true`], { encoding: "utf8" });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
  });
});
