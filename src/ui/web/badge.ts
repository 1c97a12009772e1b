/// <reference lib="dom" />
/**
 * A state or status as a coloured badge: the word itself is always shown, so colour is never
 * the only cue.
 */
import { html } from "htm/preact";

/** A badge for a schedule state or a run status. */
export function Badge(props: { readonly value: string }) {
  return html`<span class=${`badge badge-${props.value.toLowerCase()}`}>${props.value}</span>`;
}
