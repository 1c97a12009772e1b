/// <reference lib="dom" />
/**
 * The dashboard page: the schedules, the timeline and the failures, or one schedule (the
 * address's `#/schedules/<id>`), kept live by the server's feed.
 */
import { html } from "htm/preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import type { Snapshot } from "../routes.js";
import type { Timeline } from "../timeline.js";
import type { ScheduleDetail } from "../views.js";
import { type FeedState, getJson, listen, postAction, token } from "./api.js";
import { DetailView, RunsTable } from "./detail.js";
import { type Confirmation, ConfirmDialog } from "./dialog.js";
import { SchedulesTable } from "./schedules.js";
import { TimelineView } from "./timeline.js";

interface Info {
  readonly store: string;
  readonly runNow: boolean;
  readonly runNowUnavailable?: string;
  readonly confirm: Record<string, boolean>;
}

function scheduleInHash(): string | undefined {
  const match = /^#\/schedules\/(.+)$/.exec(window.location.hash);
  return match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
}

/** What, in a snapshot, changes the timeline: the schedules' states and next runs. */
function timelineKey(snapshot: Snapshot | undefined): string {
  return JSON.stringify(snapshot?.schedules.map((row) => [row.id, row.state, row.next?.utc]));
}

/** The page. */
export function App() {
  const [info, setInfo] = useState<Info>();
  const [snapshot, setSnapshot] = useState<Snapshot>();
  const [feed, setFeed] = useState<FeedState>("connecting");
  const [hours, setHours] = useState(24);
  const [timeline, setTimeline] = useState<Timeline>();
  const [selected, setSelected] = useState(scheduleInHash());
  const [detail, setDetail] = useState<ScheduleDetail>();
  const [status, setStatus] = useState<{ text: string; error: boolean }>();
  const [confirmation, setConfirmation] = useState<Confirmation>();

  const report = (error: unknown): void =>
    setStatus({ text: error instanceof Error ? error.message : String(error), error: true });

  useEffect(() => {
    getJson<Info>("/api/info").then(setInfo, report);
    const onHash = (): void => setSelected(scheduleInHash());
    window.addEventListener("hashchange", onHash);
    const stop = listen(setSnapshot, setFeed);
    // The first snapshot by a plain request too: it does not wait for the stream to open.
    getJson<Snapshot>("/api/snapshot").then(
      (first) => setSnapshot((current) => current ?? first),
      report,
    );
    return () => {
      stop();
      window.removeEventListener("hashchange", onHash);
    };
  }, []);

  const key = timelineKey(snapshot);
  // Refetched when the fields the timeline depends on change, not on every snapshot.
  useEffect(() => {
    if (snapshot === undefined) return;
    getJson<Timeline>(`/api/timeline?hours=${hours}`).then(setTimeline, report);
  }, [key, hours]);

  const row = snapshot?.schedules.find((r) => r.id === selected);
  const rowKey = JSON.stringify(row);
  // Refetched when the schedule or its last run changes (a run now, a pause), not on every snapshot.
  useEffect(() => {
    if (selected === undefined) {
      setDetail(undefined);
      return;
    }
    // Gone from the live list while its page was open: deleted (here or elsewhere).
    if (snapshot !== undefined && row === undefined && detail?.id === selected) {
      setDetail(undefined);
      window.location.hash = "#/";
      return;
    }
    getJson<ScheduleDetail>(`/api/schedules/${encodeURIComponent(selected)}`).then(
      setDetail,
      (error: unknown) => {
        setDetail(undefined);
        report(error);
      },
    );
  }, [selected, rowKey]);

  const act = useCallback(
    (id: string, action: string): void => {
      const run = (): void => {
        setStatus({ text: `${action} ${id}…`, error: false });
        postAction(id, action).then((result) => {
          setStatus({ text: result.message, error: false });
          if (action === "delete") window.location.hash = "#/";
        }, report);
      };
      if (info?.confirm[action] === true) {
        setConfirmation({
          title: `${action[0]?.toUpperCase()}${action.slice(1)} ${id}?`,
          text:
            action === "delete"
              ? `Schedule ${id} and its run history will be deleted. This cannot be undone.`
              : `Really ${action} ${id}?`,
          confirmLabel: `${action[0]?.toUpperCase()}${action.slice(1)}`,
          onConfirm: run,
        });
      } else run();
    },
    [info],
  );

  const canChange = token !== undefined;
  const runNow = info?.runNow === true;
  return html`<header>
      <h1>lambda-scheduler</h1>
      <p class="muted">${info?.store ?? ""}</p>
      <p class=${`feed feed-${feed}`} role="status">
        ${feed === "live" ? "Live" : feed === "connecting" ? "Connecting…" : "Reconnecting…"}
      </p>
    </header>
    <main>
      ${
        canChange
          ? null
          : html`<p class="notice">Read-only: open the address that <code>lambda-scheduler ui</code> printed (it carries the token) to change schedules.</p>`
      }
      ${
        info !== undefined && !info.runNow && info.runNowUnavailable !== undefined
          ? html`<p class="notice">Run now is off: ${info.runNowUnavailable}</p>`
          : null
      }
      <p class=${status?.error ? "status status-error" : "status"} role="status" aria-live="polite">${status?.text ?? ""}</p>
      ${
        selected !== undefined
          ? detail === undefined
            ? html`<p><a href="#/">← All schedules</a></p><p class="muted">Loading ${selected}…</p>`
            : html`<${DetailView} detail=${detail} act=${act} canChange=${canChange} runNow=${runNow} />`
          : snapshot === undefined
            ? html`<p class="muted">Loading schedules…</p>`
            : html`<${SchedulesTable}
                rows=${snapshot.schedules}
                more=${snapshot.more}
                act=${act}
                canChange=${canChange}
                runNow=${runNow}
              />
              <${TimelineView} timeline=${timeline} hours=${hours} onHours=${setHours} />
              <section aria-labelledby="failures-title">
                <h2 id="failures-title">Failures</h2>
                <${RunsTable}
                  runs=${snapshot.failures}
                  id="failures"
                  withSchedule=${true}
                  act=${act}
                  canChange=${canChange}
                  canSend=${runNow}
                />
              </section>`
      }
    </main>
    ${
      confirmation === undefined
        ? null
        : html`<${ConfirmDialog} confirmation=${confirmation} onClose=${() => setConfirmation(undefined)} />`
    }`;
}
