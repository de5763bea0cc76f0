import { mount } from "svelte";
import App from "./App.svelte";
import { phase } from "./lib/firstPaint";

phase("app-code-loaded");

/** Mounts the app (loaded by main.ts after it has sent the start-up requests). */
export function start(target: HTMLElement) {
  const app = mount(App, { target });
  phase("app-mounted");
  return app;
}
