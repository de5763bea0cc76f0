import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backend, customerPages, invokeMock } from "../test/backend";
import { emit, resetEvents } from "../test/events";
import { detail, fullCustomer, interaction } from "../test/fixtures";
import { conflict, SYNC_OFF, syncView } from "../test/sync";
import type { SyncView } from "../lib/bindings/SyncView";
import { DEFAULT_PREFS } from "../lib/state/prefs.svelte";
import Shell from "./Shell.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => import("../test/events"));

let app: Record<string, unknown> | undefined;
let lastContacted: string | null = null;
let sync: SyncView = SYNC_OFF;

/** The commands the shell and its views call, answering from the variables above. */
const handlers = (): Parameters<typeof backend>[0] => ({
  sync_status: () => sync,
  store_info: () => ({
    data_dir: "/tmp/rapport",
    protection: "keychain",
    customers: 500,
    interactions: 0,
    schema_version: 7,
    size_bytes: 1000,
  }),
  get_prefs: () => DEFAULT_PREFS,
  list_customers: customerPages(500),
  customer_facets: () => ({ tags: ["vip"], owners: ["Sam"] }),
  today: () => ({ items: [], total: 0 }),
  get_customer: ({ id }) =>
    detail({
      customer: fullCustomer({
        id: id as string,
        display_name: `Customer ${(id as string).slice(1)}`,
        last_contacted_at: lastContacted,
      }),
    }),
  log_interaction: ({ input }) => {
    lastContacted = new Date().toISOString();
    return interaction({ ...(input as object), occurred_at: lastContacted });
  },
});

beforeEach(() => {
  invokeMock.mockReset();
  resetEvents();
  lastContacted = null;
  sync = SYNC_OFF;
  backend(handlers());
});
afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = "";
});

const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector<T>(sel);
const testid = <T extends HTMLElement = HTMLElement>(id: string) => $<T>(`[data-testid="${id}"]`);

function press(key: string, init: KeyboardEventInit = {}, target: EventTarget = document.body) {
  target.dispatchEvent(
    new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init }),
  );
  flushSync();
}

/** Views load their code on first use: the first wait in a run includes compiling it. */
async function until(check: () => void) {
  await vi.waitFor(
    () => {
      flushSync();
      check();
    },
    { timeout: 10_000 },
  );
}

async function start() {
  app = mount(Shell, { target: document.body, props: { total: 500, onLocked: vi.fn() } });
  await until(() => expect(testid("customer-row")).not.toBeNull());
}

describe("Shell", () => {
  it("has a sidebar with every view, and Ctrl/Cmd+1–5 switch between them", async () => {
    await start();
    for (const v of ["today", "customers", "pipeline", "insights", "settings"]) {
      expect(testid(`nav-${v}`)).not.toBeNull();
    }
    expect(testid("nav-customers")?.getAttribute("aria-current")).toBe("page");

    press("1", { ctrlKey: true });
    expect(testid("nav-today")?.getAttribute("aria-current")).toBe("page");
    await until(() => expect(testid("today-empty")?.textContent).toContain("You're all caught up"));

    press("3", { metaKey: true });
    await until(() => expect($("h1")?.textContent).toBe("Pipeline"));

    testid("nav-customers")!.click();
    flushSync();
    expect(testid("customer-search")).not.toBeNull();
  });

  it("Ctrl/Cmd+6 opens Clean up; Ctrl/Cmd+I and the list's Import… open the import wizard", async () => {
    const handlers = invokeMock.getMockImplementation()!;
    invokeMock.mockImplementation(async (command: string, args?: unknown) => {
      const empty: Record<string, unknown> = {
        duplicates: [],
        merges: [],
        tag_usage: [{ tag: "vip", customers: 3 }],
        data_audit: { findings: [], counts: {} },
        import_batches: [],
        list_mappings: [],
      };
      return command in empty ? empty[command] : handlers(command, args as never);
    });
    await start();
    press("6", { ctrlKey: true });
    expect(testid("nav-cleanup")?.getAttribute("aria-current")).toBe("page");
    await until(() => expect(testid("tag-row")?.dataset.tag).toBe("vip"));

    press("i", { metaKey: true });
    await until(() => expect(testid("import-view")?.dataset.step).toBe("file"));
    expect(testid("import-path")).not.toBeNull();

    testid("nav-customers")!.click();
    flushSync();
    testid("customers-import")!.click();
    await until(() => expect(testid("import-view")).not.toBeNull());
  });

  it("/ goes to the customer search from anywhere", async () => {
    await start();
    press("1", { ctrlKey: true });
    press("/");
    await until(() => expect(document.activeElement).toBe(testid("customer-search")));
  });

  it("opens a customer from the list; Escape returns with the list where it was", async () => {
    await start();
    const box = $('[role="listbox"]')!;
    box.scrollTop = 52 * 100;
    box.dispatchEvent(new Event("scroll"));
    await until(() =>
      expect(
        [...document.querySelectorAll<HTMLElement>('[data-testid="customer-row"]')].some(
          (r) => r.dataset.id === "c100",
        ),
      ).toBe(true),
    );
    $('[data-testid="customer-row"][data-id="c100"]')!.click();
    await until(() => expect(testid("customer-page-name")?.textContent).toBe("Customer 100"));
    expect(testid("customer-search")).toBeNull();

    press("Escape");
    await until(() => expect(testid("customer-search")).not.toBeNull());
    expect($('[role="listbox"]')!.scrollTop).toBe(52 * 100);
    expect($('[data-testid="customer-row"][data-id="c100"]')).not.toBeNull();
  });

  it("Ctrl/Cmd+L logs for the customer on screen and refreshes last contacted", async () => {
    await start();
    $('[data-testid="customer-row"][data-id="c3"]')!.click();
    await until(() => expect(testid("customer-last-contacted")?.textContent).toBe("never"));

    press("l", { ctrlKey: true });
    await until(() => expect(testid("quick-log")).not.toBeNull());
    expect(testid("quick-log-customer")?.textContent).toBe("Customer 3");
    press("2", {}, testid("quick-log")!);
    expect(testid("quick-log-kind-visit")?.getAttribute("aria-checked")).toBe("true");
    const summary = testid<HTMLInputElement>("quick-log-summary")!;
    summary.value = "Brought samples";
    summary.dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
    testid("quick-log")!.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));

    await until(() => expect(testid("customer-last-contacted")?.textContent).toBe("just now"));
    expect(invokeMock).toHaveBeenCalledWith("log_interaction", {
      input: expect.objectContaining({
        customer_id: "c3",
        kind: "visit",
        summary: "Brought samples",
      }),
    });
  });

  it("quick log from the list asks which customer", async () => {
    await start();
    press("l", { metaKey: true });
    await until(() => expect(testid("quick-log-customer-option")).not.toBeNull());
    testid("quick-log-customer-option")!.click();
    flushSync();
    expect(testid("quick-log-customer")?.textContent).toBe("Customer 0");
    testid("quick-log")!.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    await until(() =>
      expect(invokeMock).toHaveBeenCalledWith("log_interaction", {
        input: expect.objectContaining({ customer_id: "c0", kind: "call", summary: "Call" }),
      }),
    );
  });

  it("shows the sync status in the sidebar; clicking it opens Settings → Sync", async () => {
    await start();
    const indicator = () => testid("sync-indicator");
    await until(() => expect(indicator()?.textContent?.trim()).toBe("Sync: off"));
    expect(indicator()?.querySelector('[role="status"]')?.getAttribute("aria-live")).toBe("polite");

    emit("sync-status", syncView({ outbox: 3 }, { error_code: "offline" }));
    flushSync();
    expect(indicator()?.dataset.tone).toBe("warning");
    expect(indicator()?.textContent?.replace(/\s+/g, " ").trim()).toBe(
      "Offline — 3 changes waiting",
    );

    // A sync that took in changes reloads the list.
    const before = invokeMock.mock.calls.filter(([c]) => c === "list_customers").length;
    emit("data-changed", null);
    await until(() =>
      expect(invokeMock.mock.calls.filter(([c]) => c === "list_customers").length).toBeGreaterThan(
        before,
      ),
    );

    indicator()!.click();
    await until(() => expect(document.activeElement?.id).toBe("settings-sync"));
    expect(testid("nav-settings")?.getAttribute("aria-current")).toBe("page");
  });

  it("says when conflicts wait for review; clicking leads to them and on to the customer", async () => {
    sync = syncView({ conflicts: 1 });
    backend({
      ...handlers(),
      sync_devices: () => [],
      sync_conflicts: () => [conflict({ customer_id: "c7" })],
    });
    await start();
    const indicator = () => testid("sync-indicator");
    await until(() =>
      expect(testid("sync-indicator-conflicts")?.textContent).toBe("1 conflict to review"),
    );
    expect(indicator()?.dataset.tone).toBe("warning");
    expect(indicator()?.title).toBe("1 conflict to review — open them");

    indicator()!.click();
    await until(() => expect(document.activeElement?.id).toBe("sync-conflicts"));
    expect(testid("nav-settings")?.getAttribute("aria-current")).toBe("page");
    testid("sync-conflict-record")!.click();
    await until(() => expect(testid("customer-page-name")?.textContent).toContain("Customer 7"));

    // Settled (here or elsewhere): the line goes with the next status.
    emit("sync-status", syncView({ conflicts: 0 }));
    flushSync();
    expect(testid("sync-indicator-conflicts")).toBeNull();
    expect(indicator()?.dataset.tone).toBe("ok");
  });
});
