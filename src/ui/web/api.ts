/// <reference lib="dom" />
/**
 * The page's side of the dashboard's HTTP interface: JSON reads, actions with the token, and
 * the live feed.
 */
import type { ActionResult } from "../actions.js";
import type { Snapshot } from "../routes.js";

const TOKEN_KEY = "lambda-scheduler-dashboard-token";
const TOKEN_HEADER = "x-dashboard-token";

/**
 * The token from the address the server printed, kept for this tab and taken out of the
 * address bar (so it is not left in the history or in a screenshot).
 */
function takeToken(): string | undefined {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl !== null && fromUrl !== "") {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete("token");
    window.history.replaceState(null, "", `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/** The token, or undefined: the page is then read-only. */
export const token = takeToken();

async function answer<T>(response: Response): Promise<T> {
  const body = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

/** GETs a JSON route. */
export async function getJson<T>(path: string): Promise<T> {
  return answer<T>(await fetch(path, { headers: { accept: "application/json" } }));
}

/** Actions on a run (by run id); the others act on a schedule. */
const RUN_ACTIONS: ReadonlySet<string> = new Set(["retry"]);

/** Runs an action on a schedule or a run; throws with the server's message when refused. */
export async function postAction(id: string, action: string): Promise<ActionResult> {
  const target = RUN_ACTIONS.has(action) ? "runs" : "schedules";
  const response = await fetch(
    `/api/${target}/${encodeURIComponent(id)}/${encodeURIComponent(action)}`,
    { method: "POST", headers: { [TOKEN_HEADER]: token ?? "" } },
  );
  return answer<ActionResult>(response);
}

/** State of the live feed, for the header. */
export type FeedState = "connecting" | "live" | "reconnecting";

/**
 * Listens to the live feed. EventSource reconnects by itself after a dropped stream; when it
 * gives up (the server answered an error), this opens a new one a few seconds later.
 */
export function listen(
  onSnapshot: (snapshot: Snapshot) => void,
  onState: (state: FeedState) => void,
): () => void {
  let source: EventSource | undefined;
  let retry: number | undefined;
  const open = (): void => {
    source = new EventSource("/api/events");
    source.addEventListener("open", () => onState("live"));
    source.addEventListener("snapshot", (event) => {
      onState("live");
      onSnapshot(JSON.parse((event as MessageEvent<string>).data) as Snapshot);
    });
    source.addEventListener("error", () => {
      onState("reconnecting");
      if (source?.readyState === EventSource.CLOSED) {
        source.close();
        retry = window.setTimeout(open, 3_000);
      }
    });
  };
  onState("connecting");
  open();
  return () => {
    window.clearTimeout(retry);
    source?.close();
  };
}
