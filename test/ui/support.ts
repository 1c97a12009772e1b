/**
 * What the dashboard tests share: the page's assets built once into a temporary folder (from
 * the sources, so the tests need no `npm run build`), a seeded SQLite store, and headless
 * Chromium.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { buildDashboardAssets } from "../../src/build/dashboard.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Builds the page into a fresh folder; returns the folder and the assets' sizes. */
export async function buildAssets(): Promise<{
  dir: string;
  sizes: Awaited<ReturnType<typeof buildDashboardAssets>>;
}> {
  const dir = mkdtempSync(join(tmpdir(), "dashboard-assets-"));
  const sizes = await buildDashboardAssets({ source: join(ROOT, "src/ui/web"), outdir: dir });
  return { dir, sizes };
}

/** Debian's Chromium, which `.ci/run` installs. */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Launches headless Chromium. Without it the test fails (it never skips) and says how to get
 * it. The flags keep Chromium from reaching for the network on its own.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the dashboard's browser test needs Chromium at ${CHROMIUM}: install it with \`apt-get update && apt-get install -y chromium\` (as .ci/run does)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
