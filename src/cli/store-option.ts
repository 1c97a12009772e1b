/**
 * Which store a command works on: DynamoDB when a table is named, else the embedded SQLite file.
 * Flags beat environment variables; the table beats the file when both come from the
 * environment.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { ConfigurationError } from "../errors.js";
import type { Page, ScheduleStore } from "../store/types.js";
import { loadEmbedded } from "./embedded-store.js";
import { usageError } from "./usage.js";

/** Environment variables the CLI reads to find its store. */
export const STORE_ENV = {
  table: "LAMBDA_SCHEDULER_TABLE",
  db: "LAMBDA_SCHEDULER_DB",
  /** Shards of the due index; when set, must be the count the table records (the stack's DUE_SHARDS). */
  dueShards: "LAMBDA_SCHEDULER_DUE_SHARDS",
} as const;

/** The embedded store's file when neither `--db` nor `LAMBDA_SCHEDULER_DB` names one. */
export const DEFAULT_DB = ".lambda-scheduler/schedules.db";

/** The two kinds of store. */
export const STORE_BACKEND = { dynamodb: "dynamodb", sqlite: "sqlite" } as const;
export type StoreBackend = (typeof STORE_BACKEND)[keyof typeof STORE_BACKEND];

/** The store a command was pointed at. */
export type StoreChoice =
  | { readonly backend: typeof STORE_BACKEND.dynamodb; readonly table: string }
  | { readonly backend: typeof STORE_BACKEND.sqlite; readonly path: string };

/** Parsed values of {@link addStoreOptions}' options. */
export interface StoreOptionValues {
  readonly table?: string;
  readonly db?: string;
}

/** Adds `--table` and `--db` to a command. */
export function addStoreOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--table <name>", "DynamoDB table of schedules (uses the AWS environment)").env(
        STORE_ENV.table,
      ),
    )
    .addOption(
      new Option(
        "--db <path>",
        `embedded SQLite file when no table is given (default: ${DEFAULT_DB})`,
      ).env(STORE_ENV.db),
    );
}

/**
 * Decides the store from a command's parsed options (see {@link addStoreOptions}): a table named
 * by flag or environment means DynamoDB, unless `--db` was given as a flag; `--table` and `--db`
 * together are a usage error.
 */
function chooseStore(command: Command): StoreChoice {
  const { table, db } = command.opts<StoreOptionValues>();
  const tableFlag = command.getOptionValueSource("table") === "cli";
  const dbFlag = command.getOptionValueSource("db") === "cli";
  if (tableFlag && dbFlag) {
    usageError(
      command,
      "--table and --db name two stores: give one (--table for DynamoDB, --db for SQLite)",
    );
  }
  if (table !== undefined && table !== "" && !dbFlag) {
    return { backend: STORE_BACKEND.dynamodb, table };
  }
  return { backend: STORE_BACKEND.sqlite, path: db === undefined || db === "" ? DEFAULT_DB : db };
}

/** An argument as a shell reads it back: quoted only when it has to be. */
function shellWord(text: string): string {
  return /^[\w./:@=+-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * The store options given on the command line (` --table NAME` or ` --db PATH`, with a leading
 * space; empty when the store came from the environment or the default), for hints that name a
 * follow-up command: typed as shown, it must work on the same store.
 *
 * @example
 * out.note(`see it with: lambda-scheduler history ${id}${storeArgs(command)}`);
 */
export function storeArgs(command: Command, only?: "db"): string {
  const { table, db } = command.opts<StoreOptionValues>();
  if (only === undefined && command.getOptionValueSource("table") === "cli" && table) {
    return ` --table ${shellWord(table)}`;
  }
  if (command.getOptionValueSource("db") === "cli" && db) return ` --db ${shellWord(db)}`;
  return "";
}

/**
 * Shards of the due index from {@link STORE_ENV.dueShards}: the count the table must record.
 * Unset, the count the table records is used (the tick records it at first use).
 */
export function dueShardsOf(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env[STORE_ENV.dueShards];
  if (raw === undefined || raw === "") return undefined;
  const shards = Number(raw);
  if (!Number.isInteger(shards) || shards < 1) {
    throw new ConfigurationError(
      `${STORE_ENV.dueShards} must be a whole number ≥ 1 (the stack's DUE_SHARDS), got "${raw}"`,
    );
  }
  return shards;
}

/**
 * Opens the chosen store. With `mustExist`, a SQLite file that is not there is an error rather
 * than a new empty store: reading commands say so instead of creating files. Each adapter is
 * loaded only when chosen: the AWS SDK alone takes a noticeable part of a command's start.
 */
async function openStore(
  choice: StoreChoice,
  options: { readonly mustExist?: boolean; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<ScheduleStore> {
  if (choice.backend === STORE_BACKEND.dynamodb) {
    const { createDynamoStore } = await import("../store/dynamodb/store.js");
    const dueShards = dueShardsOf(options.env ?? process.env);
    return createDynamoStore({
      tableName: choice.table,
      ...(dueShards === undefined ? {} : { dueShards }),
    });
  }
  if (options.mustExist && !existsSync(resolve(choice.path))) {
    throw new ConfigurationError(
      `no schedule database at ${choice.path}: add a schedule first, or point at yours with --db PATH (${STORE_ENV.db}), or at DynamoDB with --table NAME (${STORE_ENV.table})`,
    );
  }
  const { createSqliteStore } = await loadEmbedded(() => import("../store/sqlite/store.js"));
  return createSqliteStore({ path: choice.path });
}

/**
 * Opens the command's store, runs `body` with it and closes it, whatever happens.
 *
 * @example
 * await withStore(command, async (store) => store.getSchedule(id), { mustExist: true });
 */
export async function withStore<T>(
  command: Command,
  body: (store: ScheduleStore, choice: StoreChoice) => Promise<T>,
  options: { readonly mustExist?: boolean } = {},
): Promise<T> {
  const choice = chooseStore(command);
  const store = await openStore(choice, options);
  try {
    return await body(store, choice);
  } finally {
    await store.close();
  }
}

/**
 * Reads a store listing page by page (at most 100 items a request) until `limit` items are in
 * hand and it is known whether more exist; an infinite `limit` reads the whole listing.
 */
export async function readPages<T>(
  limit: number,
  list: (page: { readonly limit: number; readonly cursor?: string }) => Promise<Page<T>>,
): Promise<{ items: T[]; more: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list({
      limit: Math.min(100, limit - items.length + 1),
      ...(cursor === undefined ? {} : { cursor }),
    });
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor !== undefined && items.length <= limit);
  return { items: items.slice(0, limit), more: items.length > limit };
}
