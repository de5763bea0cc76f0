import { mount } from "svelte";
import App from "./App.svelte";

/** Mounts the app (loaded by main.ts after it has sent the start-up requests). */
export function start(target: HTMLElement) {
  return mount(App, { target });
}
