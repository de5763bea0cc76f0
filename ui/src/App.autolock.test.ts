import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import App from "./App.svelte";
import { backend, invokeMock } from "./test/backend";
import { DEFAULT_PREFS } from "./lib/state/prefs.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

let app: Record<string, unknown> | undefined;

beforeEach(() => {
  invokeMock.mockReset();
  vi.useFakeTimers();
});
afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = "";
  delete document.documentElement.dataset.theme;
  vi.useRealTimers();
});

describe("App wiring of prefs", () => {
  it("applies the saved theme and locks after the idle minutes, showing the unlock screen", async () => {
    let open = true;
    backend({
      store_status: () =>
        open
          ? { status: "ready", data_dir: "/d", customers: 0 }
          : { status: "needs_passphrase", data_dir: "/d" },
      get_prefs: () => ({ ...DEFAULT_PREFS, theme: "dark", auto_lock_minutes: 5 }),
      list_customers: () => [],
      lock: () => {
        open = false;
        return { status: "needs_passphrase", data_dir: "/d" };
      },
    });
    app = mount(App, { target: document.body });
    await vi.advanceTimersByTimeAsync(0);
    flushSync();
    expect(document.documentElement.dataset.theme).toBe("dark");

    await vi.advanceTimersByTimeAsync(5 * 60_000 - 1_000);
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "a" }));
    await vi.advanceTimersByTimeAsync(4 * 60_000);
    expect(invokeMock.mock.calls.some(([cmd]) => cmd === "lock")).toBe(false);

    await vi.advanceTimersByTimeAsync(60_000);
    flushSync();
    expect(invokeMock.mock.calls.some(([cmd]) => cmd === "lock")).toBe(true);
    // The unlock screen's code loads on first use.
    await vi.waitFor(
      () => {
        flushSync();
        expect(document.querySelector('[data-testid="unlock-passphrase"]')).not.toBeNull();
      },
      { timeout: 10_000 },
    );
  });
});
