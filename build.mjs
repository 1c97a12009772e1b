// Builds the library (one file per module, so the CLI and user job modules share one registry)
// into dist/lib. The Lambda bundles are added by the deploy work.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";

async function sources(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => join(e.parentPath, e.name));
}

await build({
  entryPoints: await sources("src"),
  outdir: "dist/lib",
  outbase: "src",
  platform: "node",
  format: "esm",
  target: "node22",
  sourcemap: true,
  logLevel: "warning",
});
