/**
 * The dashboard in a real browser: headless Chromium on a dashboard served in this process
 * over a seeded SQLite file, with run-now running jobs here (the in-process runner), as
 * `lambda-scheduler ui --jobs` does. The screenshot in docs/dashboard.png is rewritten only
 * when UPDATE_SCREENSHOT=1 (its times change each run; CI must not dirty the tree); otherwise
 * it goes to a temporary folder.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInProcessRunner, type InProcessRunner } from "../../src/cli/in-process.js";
import { createSchedule } from "../../src/control/index.js";
import { defineJob } from "../../src/registry/define.js";
import { createSqliteStore } from "../../src/store/sqlite/store.js";
import { RUN_STATUS, runIdOf, type ScheduleStore } from "../../src/store/types.js";
import { type Dashboard, startDashboard } from "../../src/ui/server.js";
import { buildAssets, launchChromium, ROOT } from "./support.js";

defineJob({ name: "report", handler: (payload) => ({ rows: 42, payload }) });
defineJob({
  name: "snapshot",
  retry: { attempts: 1 },
  handler: () => {
    throw new Error("volume vol-0abc is busy: snapshot refused");
  },
});

const HOUR = 3_600_000;

let store: ScheduleStore;
let runner: InProcessRunner;
let dashboard: Dashboard;
let browser: Browser;
let page: Page;
let firstRenderMs: number;
let domReadyMs: number;
let assetBytes: number;

async function seed(): Promise<void> {
  const deps = { store };
  const now = Date.now();
  await createSchedule(
    {
      id: "nightly-report",
      job: "report",
      expression: "cron(30 2 * * ? *)",
      timezone: "Europe/Berlin",
      payload: { format: "csv", recipients: ["ops@example.com"] },
      firstRun: "scheduled",
    },
    deps,
  );
  await createSchedule(
    { id: "hourly-report", job: "report", expression: "rate(1 hour)", firstRun: "scheduled" },
    deps,
  );
  await createSchedule(
    {
      id: "ebs-snapshot",
      job: "snapshot",
      expression: "0 */6 * * *",
      timezone: "America/New_York",
      payload: { volumeId: "vol-0abc" },
      firstRun: "scheduled",
    },
    deps,
  );
  // A history: one run that succeeded, one that failed for good.
  const at = now - 2 * HOUR;
  const base = { job: "report", dueAt: at, createdAt: at, updatedAt: at + 900 };
  await store.createRun({
    ...base,
    runId: runIdOf("hourly-report", at),
    scheduleId: "hourly-report",
    scheduledAt: at,
    status: RUN_STATUS.SUCCEEDED,
    attempt: 1,
    startedAt: at + 120,
    finishedAt: at + 900,
    durationMs: 780,
    result: { rows: 7 },
  });
  await store.createRun({
    ...base,
    runId: runIdOf("nightly-report", at),
    scheduleId: "nightly-report",
    scheduledAt: at,
    status: RUN_STATUS.FAILED,
    attempt: 3,
    startedAt: at + 50,
    finishedAt: at + 400,
    durationMs: 350,
    error: { name: "TimeoutError", message: "warehouse query timed out after 30 s" },
  });
}

beforeAll(async () => {
  const assets = await buildAssets();
  assetBytes = assets.sizes.reduce((sum, asset) => sum + asset.bytes, 0);
  const dir = mkdtempSync(join(tmpdir(), "dashboard-browser-"));
  store = createSqliteStore({ path: join(dir, "schedules.db") });
  await seed();
  runner = createInProcessRunner({ store, runLine: () => {}, log: () => {} });
  dashboard = await startDashboard({
    store,
    storeLabel: "SQLite schedules.db",
    port: 0,
    dispatcher: runner.dispatcher,
    assetsDir: assets.dir,
    pollMs: 250,
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const started = performance.now();
  await page.goto(dashboard.url);
  await page.locator("#schedules tbody tr").first().waitFor();
  firstRenderMs = performance.now() - started;
  domReadyMs = await page.evaluate(
    () => performance.getEntriesByType("navigation")[0]?.toJSON().domContentLoadedEventEnd,
  );
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await runner?.finish();
  await store?.close();
});

function row(id: string) {
  return page.locator(`#schedules tbody tr[data-schedule="${id}"]`);
}

describe("the dashboard in Chromium", () => {
  it("shows every schedule with its expression in English, and the timeline of the next 24 h", async () => {
    await expect.poll(() => page.locator("#schedules tbody tr").count()).toBe(3);
    await expect
      .poll(() => row("nightly-report").textContent())
      .toMatch(/at 02:30 Europe\/Berlin, every day[\s\S]*Europe\/Berlin[\s\S]*ENABLED/);
    await expect.poll(() => row("hourly-report").textContent()).toMatch(/SUCCEEDED/);
    const hourly = page.locator('#timeline li[data-schedule="hourly-report"]');
    await expect.poll(() => hourly.locator(".tick").count()).toBeGreaterThanOrEqual(23);
    await expect.poll(() => hourly.textContent()).toMatch(/2[45] occurrences/);
    const nightly = page.locator('#timeline li[data-schedule="nightly-report"] .tick');
    expect(await nightly.count()).toBe(1);
    console.log(
      `dashboard: assets ${(assetBytes / 1024).toFixed(1)} KiB; page ready (DOMContentLoaded) ${domReadyMs.toFixed(0)} ms, schedules rendered ${firstRenderMs.toFixed(0)} ms after navigation`,
    );
  });

  it("takes the token out of the address bar and keeps it for the tab", async () => {
    expect(page.url()).not.toContain("token=");
    expect(await page.locator(".notice", { hasText: "Read-only" }).count()).toBe(0);
  });

  it("pauses a schedule in the store when its Pause button is clicked", async () => {
    await page.getByRole("button", { name: "Pause nightly-report" }).click();
    await expect
      .poll(async () => (await store.getSchedule("nightly-report"))?.state)
      .toBe("PAUSED");
    await expect.poll(() => row("nightly-report").locator(".state").textContent()).toBe("PAUSED");
    await expect
      .poll(() => page.getByRole("button", { name: "Resume nightly-report" }).count())
      .toBe(1);
  });

  it("shows a run-now run live, as it succeeds, without reloading the page", async () => {
    await page.getByRole("button", { name: "Run hourly-report now" }).click();
    await expect
      .poll(() => page.locator(".status").textContent())
      .toMatch(/run hourly-report@.* started/);
    const runs = await store.listRuns("hourly-report", { limit: 5 });
    expect(runs.items.filter((run) => run.manual)).toHaveLength(1);
    await expect
      .poll(async () => (await store.listRuns("hourly-report", { limit: 1 })).items[0]?.status)
      .toBe("SUCCEEDED");
    await expect
      .poll(() => row("hourly-report").locator(".last-run").textContent())
      .toBe("SUCCEEDED");
  });

  it("shows a failed run's error live in the failures list and on the schedule's page", async () => {
    await page.getByRole("button", { name: "Run ebs-snapshot now" }).click();
    await expect.poll(() => row("ebs-snapshot").locator(".last-run").textContent()).toBe("FAILED");
    const failures = page.locator("#failures");
    await expect
      .poll(() => failures.textContent())
      .toMatch(/volume vol-0abc is busy: snapshot refused/);
    // The seeded failure is there too, newest first.
    const order = await failures
      .locator("tbody tr")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-run") ?? ""));
    expect(order).toHaveLength(2);
    expect(order[0]).toMatch(/^ebs-snapshot@/);
    expect(order[1]).toMatch(/^nightly-report@/);

    await page.getByRole("link", { name: "ebs-snapshot" }).first().click();
    await page.locator("#detail-title").waitFor();
    expect(await page.locator("#runs").textContent()).toMatch(
      /FAILED[\s\S]*Error:[\s\S]*volume vol-0abc is busy: snapshot refused/,
    );
    expect(await page.locator("#next-runs tbody tr").count()).toBe(10);
    expect(await page.locator(".payload").textContent()).toBe('{\n  "volumeId": "vol-0abc"\n}');
    await page.getByRole("link", { name: "← All schedules" }).click();
    await page.locator("#schedules").waitFor();
  });

  it("retries a failed run from the failures list: it succeeds live and leaves the list", async () => {
    const failures = page.locator("#failures");
    const seeded = await failures
      .locator('tbody tr[data-run^="nightly-report@"]')
      .getAttribute("data-run");
    if (seeded === null) throw new Error("the seeded failure is not listed");
    await page.getByRole("button", { name: `Retry run ${seeded}` }).click();
    await expect
      .poll(() => page.locator(".status").textContent())
      .toBe(`run ${seeded} sent again as attempt 4`);
    const scheduledAt = Date.parse(seeded.slice(seeded.indexOf("@") + 1));
    await expect
      .poll(async () => (await store.getRun("nightly-report", scheduledAt))?.status)
      .toBe("SUCCEEDED");
    await expect.poll(() => failures.locator(`tbody tr[data-run="${seeded}"]`).count()).toBe(0);
    expect(await failures.locator("tbody tr").count()).toBe(1);
  });

  it("writes every text with a contrast of at least 4.5:1 on its background", async () => {
    const low = await page.evaluate(() => {
      const rgb = (text: string): number[] => (text.match(/[\d.]+/g) ?? []).map(Number);
      const luminance = ([r = 0, g = 0, b = 0]: number[]): number => {
        const [lr = 0, lg = 0, lb = 0] = [r, g, b].map((v) => {
          const c = v / 255;
          return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
      };
      const background = (element: Element | null): number[] => {
        for (let at = element; at !== null; at = at.parentElement) {
          const color = rgb(getComputedStyle(at).backgroundColor);
          if (color.length === 3 || (color.length === 4 && color[3] === 1)) return color;
        }
        return [255, 255, 255];
      };
      const texts = Array.from(document.querySelectorAll("body *")).filter((element) =>
        Array.from(element.childNodes).some(
          (node) => node.nodeType === Node.TEXT_NODE && node.textContent?.trim(),
        ),
      );
      return texts
        .filter((element) => !(element as HTMLButtonElement).disabled)
        .map((element) => {
          const fg = luminance(rgb(getComputedStyle(element).color));
          const bg = luminance(background(element));
          const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
          return { text: element.textContent?.trim().slice(0, 30), ratio };
        })
        .filter((found) => found.ratio < 4.5);
    });
    expect(low).toEqual([]);
  });

  it("saves a screenshot", async () => {
    const file =
      process.env.UPDATE_SCREENSHOT === "1"
        ? join(ROOT, "docs/dashboard.png")
        : join(mkdtempSync(join(tmpdir(), "dashboard-shot-")), "dashboard.png");
    const shot = await page.screenshot({ path: file, fullPage: true });
    expect(shot.byteLength).toBeGreaterThan(10_000);
  });

  it("asks before deleting: Escape keeps the schedule, confirming deletes it", async () => {
    await page.goto(`${dashboard.origin}/#/schedules/hourly-report`);
    // Opened from the keyboard, as a button is.
    await page.getByRole("button", { name: "Delete…" }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Delete hourly-report?" });
    await dialog.waitFor();
    // The safe choice has the focus, and the keyboard alone closes the dialog.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");
    await page.keyboard.press("Escape");
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await store.getSchedule("hourly-report")).toBeDefined();
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Delete…");

    await page.getByRole("button", { name: "Delete…" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete", exact: true }).click();
    await expect.poll(async () => store.getSchedule("hourly-report")).toBeUndefined();
    await expect.poll(() => page.locator("#schedules tbody tr").count()).toBe(2);
  });

  it("has the accessibility basics: a language, one h1, named controls", async () => {
    const found = await page.evaluate(() => {
      const unnamed = Array.from(document.querySelectorAll("input, select, button, a"))
        .filter((element) => {
          const label = element.closest("label")?.textContent?.trim();
          const aria = element.getAttribute("aria-label");
          const text = element.textContent?.trim();
          return !label && !aria && !text;
        })
        .map((element) => element.outerHTML);
      return {
        lang: document.documentElement.lang,
        h1: document.querySelectorAll("h1").length,
        unnamed,
      };
    });
    expect(found).toEqual({ lang: "en", h1: 1, unnamed: [] });
  });
});

describe("the dashboard opened without its token", () => {
  it("is read-only: the page says so and its buttons are disabled", async () => {
    const other = await browser.newPage();
    try {
      await other.goto(dashboard.origin);
      await other.locator("#schedules tbody tr").first().waitFor();
      expect(await other.locator(".notice").first().textContent()).toMatch(/Read-only/);
      expect(await other.getByRole("button", { name: "Run ebs-snapshot now" }).isDisabled()).toBe(
        true,
      );
    } finally {
      await other.close();
    }
  });
});
