/// <reference lib="dom" />
/**
 * One schedule: its expression explained, its next ten fire times in its zone and in UTC, its
 * run history and its payload, with the actions.
 */
import { html } from "htm/preact";
import type { RunView, ScheduleDetail } from "../views.js";
import { Badge } from "./badge.js";
import { duration, utc } from "./format.js";
import { type Act, RowActions } from "./schedules.js";

/** Statuses a run can be retried from (the control plane's retry refuses the others). */
const RETRYABLE: ReadonlySet<string> = new Set(["FAILED", "EXPIRED"]);

/**
 * The run history table (also used by the failures list, with a schedule column), with a Retry
 * button on each run that failed for good or expired.
 */
export function RunsTable(props: {
  readonly runs: readonly RunView[];
  readonly id: string;
  readonly withSchedule?: boolean;
  readonly act: Act;
  readonly canChange: boolean;
  /** Whether this dashboard can send runs (run now, retry). */
  readonly canSend: boolean;
}) {
  if (props.runs.length === 0) return html`<p class="muted">No runs recorded.</p>`;
  return html`<div class="scroll">
    <table id=${props.id}>
      <thead>
        <tr>
          ${props.withSchedule ? html`<th scope="col">Schedule</th>` : null}
          <th scope="col">Scheduled</th>
          <th scope="col">Status</th>
          <th scope="col">Attempt</th>
          <th scope="col">Lateness</th>
          <th scope="col">Duration</th>
          <th scope="col">Result or error</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${props.runs.map(
          (run) => html`<tr key=${run.runId} data-run=${run.runId}>
            ${
              props.withSchedule
                ? html`<td><a href=${`#/schedules/${encodeURIComponent(run.scheduleId)}`}>${run.scheduleId}</a></td>`
                : null
            }
            <td>${run.scheduled.local}${run.manual ? html` <span class="muted">(run now)</span>` : null}<br /><span class="muted">${utc(run.scheduled.utc)}</span></td>
            <td><${Badge} value=${run.status} /></td>
            <td>${run.attempt}</td>
            <td>${duration(run.latenessMs)}</td>
            <td>${duration(run.durationMs)}</td>
            <td class="outcome">
              ${
                run.error === undefined
                  ? run.result === undefined
                    ? html`<span class="muted">—</span>`
                    : html`<pre>${run.result}</pre>`
                  : html`<p class="error"><strong>${run.error.name}:</strong> ${run.error.message}</p>`
              }
            </td>
            <td>
              ${
                RETRYABLE.has(run.status)
                  ? html`<button
                      type="button"
                      disabled=${!props.canChange || !props.canSend}
                      aria-label=${`Retry run ${run.runId}`}
                      onClick=${() => props.act(run.runId, "retry")}
                    >
                      Retry
                    </button>`
                  : null
              }
            </td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** The schedule page. */
export function DetailView(props: {
  readonly detail: ScheduleDetail;
  readonly act: Act;
  readonly canChange: boolean;
  readonly runNow: boolean;
}) {
  const { detail } = props;
  return html`<section aria-labelledby="detail-title">
    <p><a href="#/">← All schedules</a></p>
    <h2 id="detail-title">Schedule ${detail.id}</h2>
    <p class="explanation">${detail.description}</p>
    <dl class="fields">
      <dt>Job</dt><dd>${detail.job}</dd>
      <dt>Expression</dt><dd><code>${detail.expression}</code></dd>
      <dt>Zone</dt><dd>${detail.timezone}</dd>
      <dt>State</dt><dd><${Badge} value=${detail.state} /></dd>
      <dt>Catch-up</dt><dd>${detail.catchUp}</dd>
      <dt>Runs so far</dt><dd>${detail.runCount}</dd>
      <dt>Created</dt><dd>${detail.createdAt.local}</dd>
    </dl>
    <div class="actions">
      <${RowActions} row=${detail} act=${props.act} canChange=${props.canChange} runNow=${props.runNow} />
      <button
        type="button"
        class="danger"
        disabled=${!props.canChange}
        onClick=${() => props.act(detail.id, "delete")}
      >
        Delete…
      </button>
    </div>
    <h3>Next 10 fire times</h3>
    ${
      detail.nextRuns.length === 0
        ? html`<p class="muted">None: the schedule has ended.</p>`
        : html`<table id="next-runs">
          <thead><tr><th scope="col">In ${detail.timezone}</th><th scope="col">UTC</th></tr></thead>
          <tbody>
            ${detail.nextRuns.map((at) => html`<tr><td>${at.local}</td><td>${utc(at.utc)}</td></tr>`)}
          </tbody>
        </table>`
    }
    <h3>Run history</h3>
    <${RunsTable}
      runs=${detail.runs}
      id="runs"
      act=${props.act}
      canChange=${props.canChange}
      canSend=${props.runNow}
    />
    <h3>Payload</h3>
    <pre class="payload">${detail.payload}</pre>
  </section>`;
}
