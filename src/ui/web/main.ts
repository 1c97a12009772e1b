/// <reference lib="dom" />
/**
 * The dashboard page's entry point (bundled by esbuild into assets/app.js).
 */
import { h, render } from "preact";
import { App } from "./app.js";

const root = document.getElementById("app");
if (root !== null) {
  // Preact renders next to what the element holds: the "Loading…" text must go first.
  root.replaceChildren();
  render(h(App, {}), root);
}
