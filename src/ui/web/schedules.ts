/// <reference lib="dom" />
/**
 * The schedules table, with its filters (job, state, text) and each row's actions.
 */
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import type { ScheduleRow } from "../views.js";
import { Badge } from "./badge.js";
import { utc } from "./format.js";

/** Runs an action on a schedule (the app confirms first when the action asks for it). */
export type Act = (id: string, action: string) => void;

const STATES = ["ENABLED", "PAUSED", "COMPLETED", "EXPIRED"] as const;

function matches(row: ScheduleRow, text: string): boolean {
  const needle = text.trim().toLowerCase();
  if (needle === "") return true;
  return [row.id, row.job, row.expression, row.description, row.timezone].some((field) =>
    field.toLowerCase().includes(needle),
  );
}

/** The row's buttons: pause or resume, and run now. */
export function RowActions(props: {
  readonly row: Pick<ScheduleRow, "id" | "state">;
  readonly act: Act;
  readonly canChange: boolean;
  readonly runNow: boolean;
}) {
  const { row, act, canChange, runNow } = props;
  const paused = row.state === "PAUSED";
  const toggle = paused ? "resume" : "pause";
  return html`<div class="actions">
    <button
      type="button"
      disabled=${!canChange || (row.state !== "ENABLED" && !paused)}
      aria-label=${`${paused ? "Resume" : "Pause"} ${row.id}`}
      onClick=${() => act(row.id, toggle)}
    >
      ${paused ? "Resume" : "Pause"}
    </button>
    <button
      type="button"
      disabled=${!canChange || !runNow}
      aria-label=${`Run ${row.id} now`}
      onClick=${() => act(row.id, "run")}
    >
      Run now
    </button>
  </div>`;
}

/** The table of schedules. */
export function SchedulesTable(props: {
  readonly rows: readonly ScheduleRow[];
  readonly more: boolean;
  readonly act: Act;
  readonly canChange: boolean;
  readonly runNow: boolean;
}) {
  const [job, setJob] = useState("");
  const [state, setState] = useState("");
  const [text, setText] = useState("");
  const jobs = [...new Set(props.rows.map((row) => row.job))].sort();
  const shown = props.rows.filter(
    (row) =>
      (job === "" || row.job === job) &&
      (state === "" || row.state === state) &&
      matches(row, text),
  );
  return html`<section aria-labelledby="schedules-title">
    <h2 id="schedules-title">Schedules</h2>
    <form class="filters" role="search" onSubmit=${(event: Event) => event.preventDefault()}>
      <label>Job
        <select value=${job} onChange=${(e: Event) => setJob((e.target as HTMLSelectElement).value)}>
          <option value="">all jobs</option>
          ${jobs.map((name) => html`<option value=${name}>${name}</option>`)}
        </select>
      </label>
      <label>State
        <select value=${state} onChange=${(e: Event) => setState((e.target as HTMLSelectElement).value)}>
          <option value="">all states</option>
          ${STATES.map((name) => html`<option value=${name}>${name}</option>`)}
        </select>
      </label>
      <label>Search
        <input
          type="search"
          value=${text}
          placeholder="id, job, expression…"
          onInput=${(e: Event) => setText((e.target as HTMLInputElement).value)}
        />
      </label>
    </form>
    <p class="count" aria-live="polite">
      ${shown.length} of ${props.rows.length} schedule${props.rows.length === 1 ? "" : "s"}${props.more ? " (more exist than the dashboard lists)" : ""}
    </p>
    <div class="scroll">
      <table id="schedules">
        <thead>
          <tr>
            <th scope="col">ID</th>
            <th scope="col">Job</th>
            <th scope="col">Schedule</th>
            <th scope="col">Zone</th>
            <th scope="col">State</th>
            <th scope="col">Next run</th>
            <th scope="col">Last run</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${shown.map(
            (row) => html`<tr key=${row.id} data-schedule=${row.id}>
              <th scope="row"><a href=${`#/schedules/${encodeURIComponent(row.id)}`}>${row.id}</a></th>
              <td>${row.job}</td>
              <td>${row.description}<br /><code>${row.expression}</code></td>
              <td>${row.timezone}</td>
              <td class="state"><${Badge} value=${row.state} /></td>
              <td>
                ${
                  row.next === undefined
                    ? "—"
                    : html`${row.next.local}<br /><span class="muted">${utc(row.next.utc)}</span>`
                }
              </td>
              <td class="last-run">
                ${
                  row.lastRun === undefined
                    ? html`<span class="muted">never</span>`
                    : html`<${Badge} value=${row.lastRun.status} />`
                }
              </td>
              <td><${RowActions} row=${row} act=${props.act} canChange=${props.canChange} runNow=${props.runNow} /></td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}
