/**
 * The deployable template of a build: the package's own template.yaml, with the functions'
 * code taken from the build's output folder instead of this repository's dist/.
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigurationError } from "../errors.js";

/** The template's file name, in the package and in a build's output. */
export const TEMPLATE_FILE = "template.yaml";

/**
 * The folder of this package (where its package.json and template.yaml are): the nearest
 * ancestor of this module whose package.json is named `lambda-scheduler`.
 */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string };
      if (name === "lambda-scheduler") return dir;
    }
    if (dirname(dir) === dir) {
      throw new ConfigurationError(
        `cannot find the lambda-scheduler package above ${from}: reinstall it (npm install lambda-scheduler)`,
      );
    }
  }
}

/** `CodeUri` under `Globals.Function`, the one place the template says where the code is. */
const CODE_URI = /^(\s+CodeUri:[ \t]*)\S+[ \t]*$/m;

/**
 * template.yaml with its functions' code at `codeUri` (relative to the template's folder, as
 * SAM reads it). Throws when the template has no `CodeUri` line to point elsewhere.
 */
export function deployTemplate(source: string, codeUri: string): string {
  if (!CODE_URI.test(source)) {
    throw new ConfigurationError(
      `the package's ${TEMPLATE_FILE} has no CodeUri line: reinstall lambda-scheduler`,
    );
  }
  const header = [
    "# Written by `lambda-scheduler build` from the lambda-scheduler package's template.yaml:",
    "# edit your jobs and build again rather than this file. Deploy: lambda-scheduler deploy",
  ].join("\n");
  return `${header}\n${source.replace(CODE_URI, `$1${codeUri}`)}`;
}

/**
 * Writes `<outdir>/template.yaml`, the package's template with the code in `outdir` itself
 * (`CodeUri: .`); returns its path.
 */
export async function writeDeployTemplate(outdir: string): Promise<string> {
  const source = await readFile(join(packageRoot(), TEMPLATE_FILE), "utf8");
  const file = resolve(outdir, TEMPLATE_FILE);
  await writeFile(file, deployTemplate(source, "."));
  return file;
}
