/**
 * Who may use the dashboard: requests must name this server as their host (so a page on another
 * site that resolves its own name to 127.0.0.1, DNS rebinding, is refused), and a mutation must
 * carry the process's random token and, when the browser sends one, this server's origin (so a
 * page on another site cannot post a form or a fetch to it).
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** The request header that carries the token on mutations. */
export const TOKEN_HEADER = "x-dashboard-token";

/** A fresh token: 32 random bytes, base64url (43 characters, safe in a URL). */
export function createToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Whether `given` is `token`, compared in constant time. */
export function tokenMatches(token: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(token);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Why a request was refused, for the 403 answer; undefined when it may proceed. */
export type Refusal = string | undefined;

/**
 * The `Host` values this server answers to: the loopback names on its port, and the host it
 * was told to listen on (e.g. a LAN address chosen with `--host`).
 */
export function allowedHosts(listenHost: string, port: number): ReadonlySet<string> {
  const names = new Set(["127.0.0.1", "localhost", "[::1]"]);
  names.add(listenHost.includes(":") ? `[${listenHost}]` : listenHost);
  return new Set([...names].map((name) => `${name}:${port}`));
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Refuses a request whose `Host` is not this server (DNS rebinding). */
export function checkHost(request: IncomingMessage, hosts: ReadonlySet<string>): Refusal {
  const host = header(request, "host");
  if (host === undefined || !hosts.has(host.toLowerCase())) {
    return `host "${host ?? ""}" is not this dashboard (expected one of ${[...hosts].join(", ")})`;
  }
  return undefined;
}

/**
 * Refuses a mutation without the token, or sent from another origin. Browsers send `Origin` on
 * every POST; tools such as curl do not, and the token alone is then the proof.
 */
export function checkMutation(
  request: IncomingMessage,
  token: string,
  hosts: ReadonlySet<string>,
): Refusal {
  const origin = header(request, "origin");
  if (origin !== undefined) {
    let host: string | undefined;
    try {
      const url = new URL(origin);
      host = url.protocol === "http:" ? url.host : undefined;
    } catch {
      host = undefined;
    }
    if (host === undefined || !hosts.has(host)) {
      return `origin "${origin}" may not change schedules here: open the dashboard from the URL it printed`;
    }
  }
  if (!tokenMatches(token, header(request, TOKEN_HEADER))) {
    return `changing schedules needs the dashboard's token (header ${TOKEN_HEADER}): open the URL that \`lambda-scheduler ui\` printed, which carries it`;
  }
  return undefined;
}
