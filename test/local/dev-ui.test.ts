/**
 * `dev --ui` (what `npm start` runs): the dashboard beside local mode, on the same file, its
 * run now going through the local scheduler's own queue.
 */
import { mkdtempSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runDev } from "../../src/local/index.js";
import { createSqliteStore } from "../../src/store/sqlite/store.js";
import { buildAssets } from "../ui/support.js";

async function until<T>(find: () => T | undefined, ms = 8_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `runDev` on a fresh file with the examples and `ui`, its lines kept, and how to stop it. */
async function startDev(ui: { port: number; orAnyFreePort?: boolean }, seed?: string) {
  const { dir } = await buildAssets();
  const db = join(mkdtempSync(join(tmpdir(), "dev-ui-")), "schedules.db");
  const lines: string[] = [];
  const controller = new AbortController();
  const running = runDev({
    jobs: "examples/index.ts",
    db,
    ...(seed === undefined ? {} : { seed }),
    signal: controller.signal,
    write: (line) => lines.push(line),
    maxSleepMs: 200,
    ui: { ...ui, assetsDir: dir },
  });
  /** The dashboard address local mode printed. */
  const address = () =>
    until(() => lines.map((line) => /^dashboard: (http:\/\/\S+)$/.exec(line)?.[1]).find(Boolean));
  return { db, lines, running, address, stop: () => controller.abort() };
}

describe("dev --ui", () => {
  it("prints the dashboard's address next to local mode's lines, and runs its run now", async () => {
    const { db, lines, running, address, stop } = await startDev(
      { port: 0 },
      "examples/schedules.jsonl",
    );
    try {
      const url = await address();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=\S+$/);
      const { origin, searchParams } = new URL(url);
      const snapshot = (await (await fetch(`${origin}/api/snapshot`)).json()) as {
        schedules: { id: string }[];
      };
      expect(snapshot.schedules.map((s) => s.id).sort()).toEqual([
        "hello-every-5s",
        "hourly-report",
      ]);

      const answer = await fetch(`${origin}/api/schedules/hourly-report/run`, {
        method: "POST",
        headers: { "x-dashboard-token": searchParams.get("token") ?? "" },
      });
      const { runId } = (await answer.json()) as { runId: string };
      expect(answer.status).toBe(200);
      const store = createSqliteStore({ path: db });
      try {
        await expect
          .poll(async () => {
            const runs = await store.listRuns("hourly-report", { limit: 10 });
            return runs.items.find((run) => run.runId === runId)?.status;
          })
          .toBe("SUCCEEDED");
      } finally {
        await store.close();
      }
    } finally {
      stop();
      await running;
    }
    const scheduling = lines.findIndex((line) => line.startsWith("local scheduler running on "));
    expect(scheduling).toBeGreaterThanOrEqual(0);
    expect(lines.findIndex((line) => line.startsWith("dashboard: "))).toBeGreaterThan(scheduling);
  });

  it.each([
    ["the default port, taken: serves on a free one and says so", true, "serves"],
    ["a port the user chose, taken: stops and says so", false, "refuses"],
  ])("on %s", async (_case, orAnyFreePort, outcome) => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as AddressInfo;
    const { lines, running, address, stop } = await startDev({ port, orAnyFreePort });
    try {
      if (outcome === "refuses") {
        await expect(running).rejects.toThrow(`port ${port} on 127.0.0.1 is in use`);
        return;
      }
      const url = await address();
      expect(new URL(url).port).not.toBe(String(port));
      expect(lines).toContain(`dashboard: port ${port} is in use; serving on a free port instead`);
      expect((await fetch(`${new URL(url).origin}/api/snapshot`)).status).toBe(200);
    } finally {
      stop();
      await running.catch(() => undefined);
      taken.close();
    }
  });
});
