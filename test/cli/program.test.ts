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
