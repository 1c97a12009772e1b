// Everything the benchmarks need from the built library that the package root
// (dist/lib/index.js) does not export, in one place: when a source file moves, fix its path here.
//
// Each symbol lists the dist/lib paths it lives at, the current one first, then the one it had
// before, so the benches also run against commits from before a move (to measure "before"). A
// path is used only while its source file (src/<path>.ts) exists, because the build never deletes
// old output: a stale dist/lib/handlers/invoke-core.js would otherwise keep loading after the
// move. If no listed path fits, src/ is searched for the export and the path found is used, with
// a note on stderr to list it here. A symbol the package root starts to export comes from there.
//
// Moved (engines out of handlers/, technologies into subfolders of store/):
// - createInvoker: src/handlers/invoke-core.ts -> src/invoke/invoker.ts
// - createSqliteStore: src/store/sqlite.ts -> src/store/sqlite/store.ts
// - encodeSchedule: src/store/dynamodb-codec.ts -> src/store/dynamodb/codec.ts
// - silentLogger: src/registry/logger.ts -> src/logger.ts
// Not moved: createLocalDispatcher (src/dispatch/local.ts), startLocalScheduler
// (src/local/runner.ts).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SRC = join(ROOT, "src");
const DIST = join(ROOT, "dist/lib");

const root = await import(pathToFileURL(join(DIST, "index.js")).href);

/** Where each symbol lives, relative to dist/lib (and to src, with .ts). */
const PLACES = {
  createSqliteStore: ["store/sqlite/store.js", "store/sqlite.js"],
  encodeSchedule: ["store/dynamodb/codec.js", "store/dynamodb-codec.js"],
  createLocalDispatcher: ["dispatch/local.js"],
  createInvoker: ["invoke/invoker.js", "handlers/invoke-core.js"],
  silentLogger: ["logger.js", "registry/logger.js"],
  startLocalScheduler: ["local/runner.js", "local/index.js"],
};

const sourceOf = (path) => join(SRC, path.replace(/\.js$/, ".ts"));

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) yield path;
  }
}

/** Source files that declare `name` as an export, as dist/lib-relative .js paths. */
function search(name) {
  const declared = new RegExp(
    `export\\s+(?:async\\s+)?(?:function\\*?|const|let|class)\\s+${name}\\b`,
  );
  const found = [];
  for (const file of sources(SRC)) {
    if (declared.test(readFileSync(file, "utf8")))
      found.push(relative(SRC, file).replace(/\.ts$/, ".js").split("\\").join("/"));
  }
  return found;
}

async function load(name, { optional = false } = {}) {
  if (name in root) return root[name];
  const tried = [];
  for (const path of PLACES[name]) {
    tried.push(path);
    if (!existsSync(sourceOf(path)) || !existsSync(join(DIST, path))) continue;
    const module = await import(pathToFileURL(join(DIST, path)).href);
    if (name in module) return module[name];
  }
  for (const path of search(name)) {
    if (!existsSync(join(DIST, path))) continue;
    const module = await import(pathToFileURL(join(DIST, path)).href);
    if (name in module) {
      process.stderr.write(
        `bench/support/internals.mjs: ${name} found in dist/lib/${path}; add that path to PLACES\n`,
      );
      return module[name];
    }
  }
  if (optional) return undefined;
  throw new Error(
    `bench/support/internals.mjs: cannot find ${name} in dist/lib (tried ${tried.join(", ")} and a search of src/); run npm run build, or fix its path`,
  );
}

/**
 * A function of the library, or one that throws why it could not be loaded: a module that does
 * not load (mid-refactor) then fails only the sections that call it, not every importer.
 */
async function loadFunction(name) {
  try {
    return await load(name);
  } catch (error) {
    return () => {
      throw error;
    };
  }
}

/** The SQLite store (`node:sqlite`), which the package root leaves out on purpose. */
export const createSqliteStore = await loadFunction("createSqliteStore");
/**
 * The DynamoDB item of a schedule record, `(record, shards) => item`, to load tables with
 * BatchWriteItem (much faster than one PutItem per schedule on DynamoDB Local). Optional: callers
 * fall back to the store's `createSchedule` when it is gone.
 */
export const encodeSchedule = await load("encodeSchedule", { optional: true }).catch(
  () => undefined,
);
/** The in-process queue of local mode. */
export const createLocalDispatcher = await loadFunction("createLocalDispatcher");
/** The invoke core (what the invoke Lambda and local mode run for each delivery). */
export const createInvoker = await loadFunction("createInvoker");
/** Local mode's runner (`lambda-scheduler dev` without the CLI). */
export const startLocalScheduler = await loadFunction("startLocalScheduler");
/** A logger that drops everything. */
export const silentLogger = await load("silentLogger");
