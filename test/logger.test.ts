import { describe, expect, it } from "vitest";
import { manualClock } from "../src/clock.js";
import { createJsonLogger } from "../src/logger.js";

function capture(level?: "debug" | "info" | "warn" | "error") {
  const lines: Record<string, unknown>[] = [];
  const logger = createJsonLogger({
    write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    clock: manualClock("2026-01-05T09:00:00Z"),
    fields: { service: "tests" },
    ...(level === undefined ? {} : { level }),
  });
  return { lines, logger };
}

describe("the JSON logger", () => {
  it("writes one JSON line with level, time, message, base fields and call fields", () => {
    const { lines, logger } = capture();
    logger.info("done", { count: 3 });
    expect(lines).toEqual([
      {
        level: "info",
        time: "2026-01-05T09:00:00.000Z",
        message: "done",
        service: "tests",
        count: 3,
      },
    ]);
  });

  it("adds the fields of a child logger to every line", () => {
    const { lines, logger } = capture();
    logger.child({ runId: "r@1" }).child({ attempt: 2 }).warn("slow");
    expect(lines[0]).toMatchObject({ level: "warn", service: "tests", runId: "r@1", attempt: 2 });
  });

  it("drops lines below its level", () => {
    const { lines, logger } = capture("warn");
    logger.debug("a");
    logger.info("b");
    logger.warn("c");
    logger.error("d");
    expect(lines.map((line) => line.message)).toEqual(["c", "d"]);
  });

  it("writes errors as name, message and stack", () => {
    const { lines, logger } = capture();
    logger.error("failed", { error: new TypeError("bad") });
    expect(lines[0]?.error).toMatchObject({
      name: "TypeError",
      message: "bad",
      stack: expect.stringContaining("TypeError: bad"),
    });
  });

  it("keeps the message of a line whose fields cannot be encoded", () => {
    const { lines, logger } = capture();
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    logger.info("still here", { loop });
    expect(lines[0]).toMatchObject({
      message: "still here",
      logError: "fields could not be encoded as JSON",
    });
  });
});
