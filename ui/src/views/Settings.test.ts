import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backend, calls, invokeMock } from "../test/backend";
import { emit, resetEvents } from "../test/events";
import { SYNC_OFF } from "../test/sync";
import type { StoreInfo } from "../lib/bindings/StoreInfo";
import { DEFAULT_PREFS, prefs } from "../lib/state/prefs.svelte";
import Settings from "./Settings.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => import("../test/events"));

let app: Record<string, unknown> | undefined;

beforeEach(() => {
  invokeMock.mockReset();
  resetEvents();
  prefs.current = DEFAULT_PREFS;
  prefs.loaded = false;
});
afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = "";
  delete document.documentElement.dataset.theme;
});

const INFO: StoreInfo = {
  data_dir: "/home/ada/.local/share/rapport",
  protection: "keychain",
  customers: 120,
  interactions: 3400,
  schema_version: 7,
  size_bytes: 2_500_000,
};

const $ = <T extends HTMLElement = HTMLElement>(testid: string) =>
  document.querySelector<T>(`[data-testid="${testid}"]`);
const text = () => document.body.textContent ?? "";

async function settle() {
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
}

async function render(
  handlers: Record<string, (args: Record<string, unknown>) => unknown> = {},
  onLocked = vi.fn(),
) {
  backend({
    store_info: () => INFO,
    get_prefs: () => DEFAULT_PREFS,
    save_prefs: ({ prefs }) => prefs,
    sync_status: () => SYNC_OFF,
    ...handlers,
  });
  app = mount(Settings, { target: document.body, props: { onLocked } });
  await vi.waitFor(() => {
    flushSync();
    expect($("settings-store-info")).not.toBeNull();
  });
  return onLocked;
}

function type(testid: string, value: string) {
  const input = $<HTMLInputElement>(testid)!;
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

function change(testid: string, value?: string) {
  const input = $<HTMLInputElement | HTMLSelectElement>(testid)!;
  if (value !== undefined) input.value = value;
  input.dispatchEvent(new Event("change", { bubbles: true }));
  flushSync();
}

describe("Settings", () => {
  it("shows where the data lives and what it holds", async () => {
    await render();
    const info = $("settings-store-info")!.textContent;
    expect(info).toContain("/home/ada/.local/share/rapport");
    expect(info).toContain("2.5 MB");
    expect(info).toContain("120 customers, 3,400 timeline entries");
    expect(info).toContain("7");
    expect($("settings-protection")?.dataset.protection).toBe("keychain");
  });

  it("applies a theme at once and saves it", async () => {
    await render();
    $<HTMLInputElement>("settings-theme-dark")!.click();
    flushSync();
    expect(document.documentElement.dataset.theme).toBe("dark");
    await settle();
    expect(calls("save_prefs").at(-1)?.[1]).toEqual({ prefs: { ...DEFAULT_PREFS, theme: "dark" } });
    $<HTMLInputElement>("settings-theme-system")!.click();
    flushSync();
    expect(document.documentElement.hasAttribute("data-theme")).toBe(false);
  });

  it("saves the auto-lock time", async () => {
    await render();
    change("settings-auto-lock", "15");
    await settle();
    expect(calls("save_prefs").at(-1)?.[1]).toEqual({
      prefs: { ...DEFAULT_PREFS, auto_lock_minutes: 15 },
    });
    expect(prefs.current.auto_lock_minutes).toBe(15);
  });

  it("shows field errors and saves nothing until they are fixed", async () => {
    await render({
      save_prefs: () => {
        throw { code: "invalid_input", message: "reminder_days: must be at most 60" };
      },
    });
    type("settings-reminder-days", "soon");
    change("settings-reminder-days");
    expect(text()).toContain("Enter a whole number of days from 0 to 365.");
    expect(calls("save_prefs")).toHaveLength(0);

    type("settings-reminder-days", "90");
    change("settings-reminder-days");
    await settle();
    expect(text()).toContain("reminder_days: must be at most 60");
    expect($("settings-reminder-days")?.getAttribute("aria-invalid")).toBe("true");
  });

  it("Lock now locks, then tells the app", async () => {
    const onLocked = await render({
      lock: () => ({ status: "needs_passphrase", data_dir: INFO.data_dir }),
    });
    $("settings-lock")!.click();
    await vi.waitFor(() => expect(onLocked).toHaveBeenCalledOnce());
    expect(calls("lock")).toHaveLength(1);
  });
});

describe("passphrase protection", () => {
  it("won't set a passphrase whose confirmation doesn't match", async () => {
    await render({ change_protection: () => ({ ...INFO, protection: "passphrase" }) });
    $("settings-passphrase-set")!.click();
    flushSync();
    type("settings-passphrase-new", "correct horse");
    type("settings-passphrase-confirm", "correct hose");
    $("settings-passphrase-submit")!.click();
    flushSync();
    expect(text()).toContain("The passphrases don't match.");
    expect(calls("change_protection")).toHaveLength(0);

    type("settings-passphrase-confirm", "correct horse");
    $("settings-passphrase-submit")!.click();
    await vi.waitFor(() => {
      flushSync();
      expect($("settings-protection")?.dataset.protection).toBe("passphrase");
    });
    expect(calls("change_protection")[0]?.[1]).toEqual({ current: null, next: "correct horse" });
    expect(text()).toContain("The store is now protected with your passphrase.");
  });

  it("says a wrong current passphrase in words", async () => {
    await render({
      store_info: () => ({ ...INFO, protection: "passphrase" }),
      change_protection: () => {
        throw { code: "wrong_passphrase", message: "wrong passphrase" };
      },
    });
    $("settings-passphrase-remove")!.click();
    flushSync();
    expect($("settings-passphrase-new")).toBeNull();
    type("settings-passphrase-current", "not it");
    $("settings-passphrase-submit")!.click();
    await vi.waitFor(() => {
      flushSync();
      expect(text()).toContain("That passphrase isn't right.");
    });
    expect(calls("change_protection")[0]?.[1]).toEqual({ current: "not it", next: null });
    expect($("settings-passphrase-current")?.getAttribute("aria-invalid")).toBe("true");
  });

  it("changing needs the current, new and confirmed passphrase", async () => {
    await render({
      store_info: () => ({ ...INFO, protection: "passphrase" }),
      change_protection: () => ({ ...INFO, protection: "passphrase" }),
    });
    $("settings-passphrase-change")!.click();
    flushSync();
    type("settings-passphrase-current", "old passphrase");
    type("settings-passphrase-new", "new passphrase");
    type("settings-passphrase-confirm", "new passphrase");
    $("settings-passphrase-submit")!.click();
    await vi.waitFor(() => {
      flushSync();
      expect(text()).toContain("Your passphrase has been changed.");
    });
    expect(calls("change_protection")[0]?.[1]).toEqual({
      current: "old passphrase",
      next: "new passphrase",
    });
  });
});

describe("demo data", () => {
  it("is only offered for an empty store", async () => {
    await render();
    expect($<HTMLButtonElement>("settings-demo")!.disabled).toBe(true);
  });

  it("shows progress from events, cancels, and shows how it ended", async () => {
    let customers = 0;
    await render({
      store_info: () => ({ ...INFO, customers }),
      start_demo: () => "task-1",
      cancel_task: () => null,
    });
    const button = $<HTMLButtonElement>("settings-demo")!;
    expect(button.disabled).toBe(false);
    change("settings-demo-size", "50");
    button.click();
    await vi.waitFor(() => expect(calls("start_demo")).toHaveLength(1));
    await settle();
    expect(calls("start_demo")[0]?.[1]).toEqual({ customers: 50 });

    const progress = { id: "task-1", label: "Adding demo customers", total: 50, message: null };
    emit("task-progress", { ...progress, done: 20, state: "running" });
    flushSync();
    expect($("task-progress")?.textContent).toContain("Adding demo customers");
    expect($("task-counts")?.textContent).toBe("20 of 50");
    expect(document.querySelector('[role="progressbar"]')?.getAttribute("aria-valuenow")).toBe(
      "20",
    );

    $("task-cancel")!.click();
    await settle();
    expect(calls("cancel_task")[0]?.[1]).toEqual({ id: "task-1" });

    customers = 0; // cancel rolled everything back
    emit("task-progress", {
      ...progress,
      done: 20,
      state: "cancelled",
      message: "Cancelled; nothing was added.",
    });
    flushSync();
    expect($("task-state")?.textContent).toBe("Cancelled; nothing was added.");
    expect($("task-cancel")).toBeNull();
    await vi.waitFor(() => expect(calls("store_info").length).toBeGreaterThanOrEqual(2));
  });
});
