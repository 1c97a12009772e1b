/**
 * The import rules of docs/architecture.md ("What each folder may import"), checked on the
 * tree: every relative import of a module under src/ names a folder or file its folder may
 * import. `cli/` and the package root may import anything.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../src");

/**
 * What each folder (or top-level module) may import: `any` for value imports, `types` for
 * `import type` only, `lazy` for `import()` only. `"store/"` is any module of the folder,
 * `"store/types.ts"` one module, `"clock"` a top-level module.
 */
interface Rule {
  readonly any: readonly string[];
  readonly types?: readonly string[];
  readonly lazy?: readonly string[];
}

const RULES: Readonly<Record<string, Rule>> = {
  "scheduling/": { any: ["errors"], types: ["clock"] },
  "planning/": { any: ["scheduling/", "store/types.ts"] },
  "registry/": { any: ["errors"], types: ["json"] },
  "store/": { any: ["errors", "clock"], types: ["json", "registry/types.ts"] },
  "dispatch/": {
    any: ["errors", "clock", "logger", "registry/", "store/types.ts"],
    types: ["json"],
  },
  "tick/": {
    any: ["dispatch/", "planning/", "scheduling/", "store/types.ts", "errors"],
    types: ["registry/", "clock"],
  },
  "invoke/": {
    any: ["dispatch/", "registry/", "store/types.ts", "logger", "run-errors", "errors", "clock"],
    types: ["json"],
  },
  "middleware/": {
    any: ["dispatch/", "logger", "run-errors", "errors", "clock"],
    types: ["registry/"],
  },
  "handlers/": {
    any: [
      "tick/",
      "invoke/",
      "dispatch/",
      "middleware/",
      "environment",
      "powertools-logger",
      "figures",
      "metrics",
      "clock",
    ],
  },
  "control/": {
    any: [
      "scheduling/",
      "planning/",
      "registry/",
      "store/types.ts",
      "dispatch/",
      "errors",
      "clock",
    ],
    types: ["json"],
  },
  "local/": {
    any: [
      "tick/",
      "invoke/",
      "control/",
      "dispatch/",
      "registry/",
      "store/",
      "build/",
      "figures",
      "errors",
      "clock",
      "logger",
    ],
    lazy: ["ui/"],
  },
  "migrate/": { any: ["scheduling/", "store/types.ts", "errors"], types: ["control/input.ts"] },
  "ui/": {
    any: ["control/", "planning/", "scheduling/", "store/types.ts", "errors", "clock"],
    types: ["dispatch/types.ts", "json"],
  },
  "build/": { any: ["errors"] },
  logger: { any: ["clock"], types: ["registry/types.ts"] },
  "run-errors": { any: ["errors"], types: ["dispatch/types.ts", "store/types.ts"] },
};

/** The folder (`"store/"`) or top-level module (`"clock"`) a path under src/ belongs to. */
function unitOf(path: string): string {
  return path.includes("/") ? `${path.split("/")[0]}/` : path.replace(/\.ts$/, "");
}

/** Whether `target` (a path under src/) is one of `allowed`. */
function allows(allowed: readonly string[] | undefined, target: string): boolean {
  return (allowed ?? []).some((entry) =>
    entry.endsWith("/")
      ? target.startsWith(entry)
      : entry.endsWith(".ts")
        ? target === entry
        : target === `${entry}.ts`,
  );
}

/** Every .ts file under `dir`, as paths relative to src/. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => relative(SRC, join(entry.parentPath, entry.name)));
}

/** `import … from "./x"` (2: type-only), `import("./x")` (3), `import "./x"` (4). */
const IMPORT =
  /^\s*(?:import|export)\s+(type\s+)?[^;]*?\sfrom\s+"(\.[^"]+)"|\bimport\(\s*"(\.[^"]+)"\s*\)|^\s*import\s+"(\.[^"]+)"/gm;

/** One import of ours from another folder or top-level module. */
interface Found {
  readonly file: string;
  readonly target: string;
  readonly kind: "value" | "type" | "lazy";
}

/** The imports in `text` (the source of `file`, a path under src/) of other units of ours. */
function importsOf(file: string, text: string): Found[] {
  const found: Found[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[2] ?? match[3] ?? match[4] ?? "";
    const target = relative(SRC, resolve(SRC, dirname(file), specifier)).replace(/\.js$/, ".ts");
    if (target.startsWith("..") || unitOf(target) === unitOf(file)) continue;
    const kind = match[3] !== undefined ? "lazy" : match[1] !== undefined ? "type" : "value";
    found.push({ file, target, kind });
  }
  return found;
}

function allowedBy(rule: Rule, { target, kind }: Found): boolean {
  return (
    allows(rule.any, target) ||
    (kind !== "value" && allows(rule.types, target)) ||
    (kind === "lazy" && allows(rule.lazy, target))
  );
}

/** The imports of ours that break {@link RULES}, as `file → target (kind)`. */
function violations(): string[] {
  return sources(SRC).flatMap((file) => {
    const rule = RULES[unitOf(file)];
    if (rule === undefined) return [];
    return importsOf(file, readFileSync(join(SRC, file), "utf8"))
      .filter((found) => !allowedBy(rule, found))
      .map(({ target, kind }) => `${file} → ${target} (${kind})`);
  });
}

describe("the import rules of docs/architecture.md", () => {
  it("are kept by every module under src/", () => {
    expect(violations()).toEqual([]);
  });

  it.each([
    ["a value import", 'import { createSqliteStore } from "../store/sqlite/store.js";', true],
    ["a side-effect import", 'import "../store/sqlite/store.js";', true],
    ["a lazy import", 'await import("../store/sqlite/store.js");', true],
    ["a type import of its contract", 'import type { RunRecord } from "../store/types.js";', false],
  ])("tell %s of a store adapter from the dashboard", (_case, line, broken) => {
    const found = importsOf("ui/example.ts", line).filter(
      (found) => !allowedBy(RULES["ui/"] as Rule, found),
    );
    expect(found.length > 0).toBe(broken);
  });
});
