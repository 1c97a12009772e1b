import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runDev } from "../../src/local/index.js";
import { createSqliteStore } from "../../src/store/sqlite/store.js";

async function until(condition: () => boolean, ms = 4_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("dev (what npm start runs)", () => {
  it("seeds the examples into an empty file, runs hello within seconds, and stops on abort", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "dev-")), "schedules.db");
    const lines: string[] = [];
    const controller = new AbortController();
    const running = runDev({
      jobs: "examples/index.ts",
      db,
      seed: "examples/schedules.jsonl",
      signal: controller.signal,
      write: (line) => lines.push(line),
      maxSleepMs: 200,
    });
    await until(() =>
      lines.some((line) => / run {3}hello-every-5s hello .* SUCCEEDED /.test(line)),
    );
    controller.abort();
    await running;

    expect(lines).toContain("seeded 2 schedule(s) from examples/schedules.jsonl");
    expect(lines.some((line) => line.includes("[hello] Hello, world!"))).toBe(true);
    expect(lines.some((line) => / run {3}hourly-report report .* SUCCEEDED /.test(line))).toBe(
      true,
    );

    // The file keeps the schedules, and a second start does not seed again.
    const store = createSqliteStore({ path: db });
    expect((await store.listSchedules()).items.map((s) => s.id).sort()).toEqual([
      "hello-every-5s",
      "hourly-report",
    ]);
    await store.close();
    const again: string[] = [];
    const stopAtOnce = new AbortController();
    stopAtOnce.abort();
    await runDev({
      jobs: "examples/index.ts",
      db,
      seed: "examples/schedules.jsonl",
      signal: stopAtOnce.signal,
      write: (line) => again.push(line),
    });
    expect(
      again.some((line) =>
        line.includes("already has schedules; seed examples/schedules.jsonl not applied"),
      ),
    ).toBe(true);
  });
});
