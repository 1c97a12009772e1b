/// <reference lib="dom" />
/**
 * The timeline: a track per schedule with a mark per occurrence in the window, and the days on
 * which the schedule's zone changes its clocks.
 */
import { html } from "htm/preact";
import type { Timeline } from "../timeline.js";
import { offset } from "./format.js";

/** Windows the page offers, in hours. */
export const WINDOWS = [6, 24, 72, 168] as const;

function position(iso: string, from: number, span: number): string {
  const at = (Date.parse(iso) - from) / span;
  return `${Math.min(100, Math.max(0, at * 100)).toFixed(3)}%`;
}

/** The timeline section. */
export function TimelineView(props: {
  readonly timeline: Timeline | undefined;
  readonly hours: number;
  readonly onHours: (hours: number) => void;
}) {
  const { timeline, hours } = props;
  const from = timeline === undefined ? 0 : Date.parse(timeline.from);
  const span = timeline === undefined ? 1 : Date.parse(timeline.to) - from;
  return html`<section aria-labelledby="timeline-title">
    <h2 id="timeline-title">Timeline</h2>
    <label class="inline">Window
      <select value=${String(hours)} onChange=${(e: Event) => props.onHours(Number((e.target as HTMLSelectElement).value))}>
        ${WINDOWS.map((h) => html`<option value=${String(h)}>next ${h < 48 ? `${h} hours` : `${h / 24} days`}</option>`)}
      </select>
    </label>
    ${
      timeline === undefined
        ? html`<p class="muted">Loading…</p>`
        : html`<p class="muted">
            ${timeline.from.slice(0, 16).replace("T", " ")}Z to ${timeline.to.slice(0, 16).replace("T", " ")}Z
          </p>
          <ul class="timeline" id="timeline">
            ${timeline.rows.map(
              (row) => html`<li key=${row.id} data-schedule=${row.id}>
                <div class="timeline-label">
                  <a href=${`#/schedules/${encodeURIComponent(row.id)}`}>${row.id}</a>
                  <span class="muted">
                    ${
                      row.state === "ENABLED"
                        ? `${row.occurrences.length}${row.truncated ? "+" : ""} occurrence${row.occurrences.length === 1 ? "" : "s"}`
                        : `${row.state}: none`
                    }
                  </span>
                </div>
                <div class="track" role="img" aria-label=${`${row.id}: ${row.occurrences.length}${row.truncated ? " or more" : ""} occurrences in the window${row.occurrences[0] === undefined ? "" : `, first at ${row.occurrences[0].local}`}`}>
                  ${row.occurrences.map(
                    (at) =>
                      html`<span class="tick" style=${{ left: position(at.utc, from, span) }} title=${at.local}></span>`,
                  )}
                  ${row.clockChanges.map(
                    (change) =>
                      html`<span class="clock-change" style=${{ left: position(change.at.utc, from, span) }} title=${`clocks change ${change.at.local}`}></span>`,
                  )}
                </div>
                ${row.clockChanges.map(
                  (change) => html`<p class="clock-note">
                    Clocks change on ${change.day} in ${row.timezone}: ${offset(change.fromOffset)} → ${offset(change.toOffset)}
                    at ${change.at.local}
                  </p>`,
                )}
              </li>`,
            )}
          </ul>`
    }
  </section>`;
}
