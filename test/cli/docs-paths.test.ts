/**
 * The README and docs/ name files a reader will open or pass to a command: each must exist.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support.js";

// Pages only: docs/ also holds images (the dashboard's screenshot).
const PAGES = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];

/** Relative link targets, without their #anchor. */
function links(text: string): string[] {
  return [...text.matchAll(/\]\(([^)#\s]+)[^)]*\)/g)]
    .map((match) => match[1] ?? "")
    .filter((target) => !/^[a-z]+:/.test(target));
}

/** Repository paths the text names in commands and prose: examples/…, test/…, bench/…, bin/…. */
function repositoryPaths(text: string): string[] {
  return [...text.matchAll(/(?<![\w./-])((?:examples|test|bench|bin)\/[\w./-]*\w)/g)].map(
    (match) => match[1] ?? "",
  );
}

describe.each(PAGES)("%s", (page) => {
  const text = readFileSync(join(ROOT, page), "utf8");

  it("links only to files that exist", () => {
    const missing = links(text).filter((target) => !existsSync(join(ROOT, dirname(page), target)));
    expect(missing).toEqual([]);
  });

  it("names only repository paths that exist", () => {
    const missing = repositoryPaths(text).filter((path) => !existsSync(join(ROOT, path)));
    expect(missing).toEqual([]);
  });
});
