import { describe, expect, it } from "vitest";
import { createConsoleLogger, LINE_FORMAT } from "../../src/local/output.js";

const AT = new Date("2026-01-05T10:00:05.004Z");

describe("local mode's log lines", () => {
  it("are one JSON object each in the json format, with the run's fields", () => {
    const lines: string[] = [];
    const logger = createConsoleLogger({
      write: (line) => lines.push(line),
      now: () => AT,
      format: LINE_FORMAT.json,
    });
    logger.child({ runId: "r1", job: "hello" }).warn("slow answer", { ms: 900 });
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        type: "log",
        at: "2026-01-05T10:00:05.004Z",
        level: "warn",
        message: "slow answer",
        runId: "r1",
        job: "hello",
        ms: 900,
      },
    ]);
  });

  it("stay text for people by default", () => {
    const lines: string[] = [];
    const logger = createConsoleLogger({ write: (line) => lines.push(line), now: () => AT });
    logger.child({ runId: "r1", job: "hello" }).warn("slow answer", { ms: 900 });
    expect(lines).toEqual(['10:00:05.004 warn  [hello] slow answer {"ms":900}']);
  });
});
