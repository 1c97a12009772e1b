/**
 * The dashboard's HTTP server, on `node:http`: the page and its assets, the JSON routes, the
 * live feed, and the guards of token.ts. It serves files only from its own assets folder, built
 * with the package (no network at run time).
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Clock, systemClock } from "../clock.js";
import type { Dispatcher } from "../dispatch/types.js";
import { ConfigurationError, RequestError } from "../errors.js";
import type { ScheduleStore } from "../store/types.js";
import type { ActionContext } from "./actions.js";
import { createChangeFeed } from "./events.js";
import { info, readDetail, readSnapshot, readTimeline, runAction, statusOf } from "./routes.js";
import { allowedHosts, checkHost, checkMutation, createToken } from "./token.js";

/** Options of {@link startDashboard}. */
export interface DashboardOptions {
  readonly store: ScheduleStore;
  /** Where the store is, for the page's header, e.g. `SQLite .lambda-scheduler/schedules.db`. */
  readonly storeLabel: string;
  readonly clock?: Clock;
  /** Where run-now sends runs; without one, run-now is refused with `runNowUnavailable`. */
  readonly dispatcher?: Dispatcher;
  readonly runNowNote?: string;
  readonly runNowUnavailable?: string;
  /** Default 127.0.0.1: only this machine. */
  readonly host?: string;
  /** Default 8787; 0 picks a free port. */
  readonly port?: number;
  /** The built page (index.html, app.js, style.css). Default: next to this module. */
  readonly assetsDir?: string;
  /** Default: a fresh random one. */
  readonly token?: string;
  /** Live feed interval in ms. Default 2000. */
  readonly pollMs?: number;
  /** A failure the page cannot be told about (a read of the live feed). */
  readonly onError?: (error: unknown) => void;
}

/** A running dashboard. */
export interface Dashboard {
  /** The page's address with the token: what to open. */
  readonly url: string;
  /** `http://host:port`. */
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  /** Ends live streams and stops listening. */
  close(): Promise<void>;
}

/** The port `ui` listens on by default. */
export const DEFAULT_DASHBOARD_PORT = 8787;

const ASSETS = {
  "app.js": "text/javascript; charset=utf-8",
  "style.css": "text/css; charset=utf-8",
} as const;

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  // The page's address carries the token: never hand it to another site.
  "referrer-policy": "no-referrer",
} as const;

/** Reads the built assets once; a missing one means the package was not built. */
function loadAssets(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of ["index.html", ...Object.keys(ASSETS)]) {
    const path = join(dir, name);
    if (!existsSync(path)) {
      throw new ConfigurationError(
        `the dashboard's ${name} is missing from ${dir}: build the package (npm run build) first`,
      );
    }
    files.set(name, readFileSync(path));
  }
  return files;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    ...SECURITY_HEADERS,
  });
  response.end(JSON.stringify(body));
}

function sendFile(response: ServerResponse, type: string, body: Buffer): void {
  response.writeHead(200, {
    "content-type": type,
    "cache-control": "no-cache",
    ...SECURITY_HEADERS,
  });
  response.end(body);
}

/**
 * Starts the dashboard on `host:port` and resolves once it listens.
 *
 * @example
 * const dashboard = await startDashboard({ store, storeLabel: "memory" });
 * console.log(`dashboard: ${dashboard.url}`);
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const assets = loadAssets(
    options.assetsDir ?? fileURLToPath(new URL("./assets/", import.meta.url)),
  );
  const host = options.host ?? "127.0.0.1";
  const token = options.token ?? createToken();
  const clock = options.clock ?? systemClock;
  const { store } = options;
  const context: ActionContext = {
    store,
    clock,
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    ...(options.runNowNote === undefined ? {} : { runNowNote: options.runNowNote }),
    ...(options.runNowUnavailable === undefined
      ? {}
      : { runNowUnavailable: options.runNowUnavailable }),
  };
  const feed = createChangeFeed({
    read: () => readSnapshot(store),
    ...(options.pollMs === undefined ? {} : { intervalMs: options.pollMs }),
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  });
  let hosts: ReadonlySet<string> = new Set();

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const refusedHost = checkHost(request, hosts);
    if (refusedHost !== undefined) throw new RequestError(403, refusedHost);
    const url = new URL(request.url ?? "/", "http://dashboard");
    const path = url.pathname;
    const method = request.method ?? "GET";
    const action = /^\/api\/(schedules|runs)\/([^/]+)\/([^/]+)$/.exec(path);
    if (method === "POST" && action !== null) {
      const refused = checkMutation(request, token, hosts);
      if (refused !== undefined) throw new RequestError(403, refused);
      const reply = await runAction(
        action[1] === "runs" ? "runs" : "schedules",
        decodeURIComponent(action[3] ?? ""),
        decodeURIComponent(action[2] ?? ""),
        context,
      );
      void feed.refresh();
      return sendJson(response, reply.status, reply.body);
    }
    if (method !== "GET" && method !== "HEAD") {
      throw new RequestError(405, `${method} ${path} is not a route of the dashboard`);
    }
    if (path === "/" || path === "/index.html") {
      return sendFile(response, "text/html; charset=utf-8", assets.get("index.html") as Buffer);
    }
    const asset = /^\/assets\/([\w.-]+)$/.exec(path)?.[1];
    if (asset !== undefined && Object.hasOwn(ASSETS, asset)) {
      return sendFile(response, ASSETS[asset as keyof typeof ASSETS], assets.get(asset) as Buffer);
    }
    if (path === "/api/events") return feed.subscribe(response);
    if (path === "/api/info") {
      const reply = info(context, options.storeLabel);
      return sendJson(response, reply.status, reply.body);
    }
    if (path === "/api/snapshot") return sendJson(response, 200, await readSnapshot(store));
    if (path === "/api/timeline") {
      const reply = await readTimeline(url.searchParams.get("hours"), { store, clock });
      return sendJson(response, reply.status, reply.body);
    }
    const detail = /^\/api\/schedules\/([^/]+)$/.exec(path);
    if (detail !== null) {
      const reply = await readDetail(decodeURIComponent(detail[1] ?? ""), { store, clock });
      return sendJson(response, reply.status, reply.body);
    }
    throw new RequestError(404, `${method} ${path} is not a route of the dashboard`);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const status = statusOf(error);
      if (status === 500) options.onError?.(error);
      const message = error instanceof Error ? error.message : String(error);
      if (response.headersSent) response.end();
      else sendJson(response, status, { error: message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new ConfigurationError(
              `port ${options.port ?? DEFAULT_DASHBOARD_PORT} on ${host} is in use: choose another (ui --port N, dev --ui N; 0 picks a free one)`,
              { cause: error },
            )
          : error,
      );
    });
    server.listen(options.port ?? DEFAULT_DASHBOARD_PORT, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  hosts = allowedHosts(host, port);
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    async close() {
      feed.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
