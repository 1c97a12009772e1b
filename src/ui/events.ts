/**
 * Live updates over Server-Sent Events: while at least one page listens, the store is read
 * every few seconds and a `snapshot` event is sent when what the pages show has changed. A page
 * that connects gets the current snapshot at once; the browser's EventSource reconnects by
 * itself when the stream drops.
 */
import type { ServerResponse } from "node:http";

/** Options of {@link createChangeFeed}. */
export interface ChangeFeedOptions {
  /** What the pages show, read from the store. */
  readonly read: () => Promise<unknown>;
  /** Between two reads, in ms. Default 2000. */
  readonly intervalMs?: number;
  /** A read that failed: the feed keeps polling. */
  readonly onError?: (error: unknown) => void;
}

/** The feed of snapshots. */
export interface ChangeFeed {
  /** Streams events to `response` until the page goes away. */
  subscribe(response: ServerResponse): void;
  /** Reads now (after an action) instead of at the next interval. */
  refresh(): Promise<void>;
  /** Pages listening now. */
  readonly listeners: number;
  /** Ends every stream and stops polling. */
  close(): void;
}

/** Keeps proxies and the browser from timing an idle stream out. */
const HEARTBEAT_MS = 15_000;

/** Creates the feed; it polls only while someone listens. */
export function createChangeFeed(options: ChangeFeedOptions): ChangeFeed {
  const intervalMs = options.intervalMs ?? 2_000;
  const clients = new Set<ServerResponse>();
  let last: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let reading: Promise<void> | undefined;

  const send = (response: ServerResponse, data: string): void => {
    response.write(`event: snapshot\ndata: ${data}\n\n`);
  };

  const read = async (): Promise<void> => {
    try {
      const data = JSON.stringify(await options.read());
      if (data === last) return;
      last = data;
      for (const client of clients) send(client, data);
    } catch (error) {
      options.onError?.(error);
    }
  };

  // One read at a time: a slow store must not pile reads up.
  const readOnce = (): Promise<void> => {
    reading ??= read().finally(() => {
      reading = undefined;
    });
    return reading;
  };

  const start = (): void => {
    timer = setInterval(() => void readOnce(), intervalMs);
    heartbeat = setInterval(() => {
      for (const client of clients) client.write(": heartbeat\n\n");
    }, HEARTBEAT_MS);
  };
  const stop = (): void => {
    clearInterval(timer);
    clearInterval(heartbeat);
    timer = undefined;
    heartbeat = undefined;
    // The next listener must get a snapshot even if nothing changed meanwhile.
    last = undefined;
  };

  return {
    subscribe(response) {
      response.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        connection: "keep-alive",
      });
      response.write("retry: 2000\n\n");
      clients.add(response);
      response.on("close", () => {
        clients.delete(response);
        if (clients.size === 0) stop();
      });
      if (timer === undefined) start();
      if (last === undefined) void readOnce();
      else send(response, last);
    },
    refresh: readOnce,
    get listeners() {
      return clients.size;
    },
    close() {
      for (const client of clients) client.end();
      clients.clear();
      stop();
    },
  };
}
