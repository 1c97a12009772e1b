/**
 * Loading what needs `node:sqlite` (the embedded store, the local queue journal, local mode):
 * on a Node without it, one line that says which Node to use instead of an
 * ERR_UNKNOWN_BUILTIN_MODULE stack trace.
 */
import { ConfigurationError } from "../errors.js";

/**
 * The Nodes whose `node:sqlite` the store can use: it needs `StatementSync.setReturnArrays`,
 * added in 22.16 and 24.0 (node:sqlite itself came in 22.5, unflagged in 22.13). The package's
 * `engines` says the same.
 */
export const SQLITE_NODE = "Node 22.16 or later, or Node 24";

/** Whether `error` is Node refusing to load `node:sqlite`, which it does not have or not unflagged. */
export function isMissingSqlite(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ERR_UNKNOWN_BUILTIN_MODULE" && error.message.includes("sqlite");
}

/**
 * The one-line error for a Node without `node:sqlite`: the Node needed, that `npx` runs the CLI
 * on the Node the project's `node` package brought (this repository's, for one), and DynamoDB as
 * the way that needs no SQLite at all.
 */
export function missingSqliteError(nodeVersion: string, cause?: unknown): ConfigurationError {
  return new ConfigurationError(
    `the embedded store needs node:sqlite with StatementSync.setReturnArrays, which Node ${nodeVersion} does not have: use ${SQLITE_NODE}; \`npx lambda-scheduler …\` runs on the Node the package brought (node_modules/.bin/node, from the \`node\` package) when the project installs one; or use DynamoDB with --table NAME`,
    { cause },
  );
}

/**
 * Runs `load` (an `import()` of a module that needs `node:sqlite`) and turns Node's refusal to
 * load `node:sqlite` into {@link missingSqliteError}; any other failure passes through.
 *
 * @example
 * const { createSqliteStore } = await loadEmbedded(() => import("../store/sqlite/store.js"));
 */
export async function loadEmbedded<T>(
  load: () => Promise<T>,
  nodeVersion: string = process.version,
  capable: () => Promise<boolean> = hasReturnArrays,
): Promise<T> {
  let loaded: T;
  try {
    loaded = await load();
  } catch (error) {
    if (isMissingSqlite(error)) throw missingSqliteError(nodeVersion, error);
    throw error;
  }
  // Node 22.13 to 22.15 load node:sqlite, then fail at the first query.
  if (!(await capable())) throw missingSqliteError(nodeVersion);
  return loaded;
}

/** Whether this Node's node:sqlite statements can return rows as arrays. */
async function hasReturnArrays(): Promise<boolean> {
  const { StatementSync } = await import("node:sqlite");
  return typeof StatementSync.prototype.setReturnArrays === "function";
}
