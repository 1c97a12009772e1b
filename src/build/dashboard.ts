/**
 * The dashboard's page assets: the Preact page bundled into one minified ES module, with its
 * HTML and CSS copied next to it. build.mjs writes them into dist/lib/ui/assets, where the
 * dashboard server reads them; nothing is fetched from the network at run time.
 */
import { copyFile, mkdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/** One built asset and its size. */
export interface DashboardAsset {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

/**
 * Builds the assets of the page whose sources are in `source` (src/ui/web: main.ts,
 * index.html, style.css) into `outdir`, and returns their sizes.
 *
 * @example
 * await buildDashboardAssets({ source: "src/ui/web", outdir: "dist/lib/ui/assets" });
 */
export async function buildDashboardAssets(options: {
  readonly source: string;
  readonly outdir: string;
}): Promise<DashboardAsset[]> {
  const { source, outdir } = options;
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: [join(source, "main.ts")],
    outfile: join(outdir, "app.js"),
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: ["chrome110", "firefox110", "safari16"],
    legalComments: "none",
    logLevel: "warning",
  });
  await copyFile(join(source, "index.html"), join(outdir, "index.html"));
  await copyFile(join(source, "style.css"), join(outdir, "style.css"));
  const assets: DashboardAsset[] = [];
  for (const name of ["index.html", "app.js", "style.css"]) {
    const file = join(outdir, name);
    assets.push({
      file,
      bytes: (await stat(file)).size,
      gzipBytes: gzipSync(await readFile(file)).length,
    });
  }
  return assets;
}
