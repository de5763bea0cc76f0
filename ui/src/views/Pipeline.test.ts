import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backend, customer, invokeMock } from "../test/backend";
import { board, deal } from "../test/deals";
import Pipeline from "./Pipeline.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

let app: Record<string, unknown> | undefined;

beforeEach(() => {
  invokeMock.mockReset();
});
afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = "";
});

const DEALS = [
  deal({
    id: "a",
    title: "Grinder",
    stage: "Lead",
    value: { minor: 120000, currency: "EUR" },
    expected_close: "2026-03-01",
  }),
  deal({ id: "b", title: "Beans", stage: "Lead", value: { minor: 5000, currency: "USD" } }),
  deal({ id: "c", title: "Cups", stage: "Qualified", value: { minor: 800, currency: "EUR" } }),
];

const $ = <T extends HTMLElement = HTMLElement>(selector: string) =>
  document.querySelector<T>(selector);
const $$ = (selector: string) => [...document.querySelectorAll<HTMLElement>(selector)];
const column = (stage: string) => $(`[data-testid="pipeline-column"][data-stage="${stage}"]`)!;
const card = (id: string) => $(`[data-testid="deal-card"][data-deal-id="${id}"]`)!;
const idsIn = (stage: string) =>
  [...column(stage).querySelectorAll<HTMLElement>('[data-testid="deal-card"]')].map(
    (c) => c.dataset.dealId,
  );
const valuesIn = (stage: string) =>
  [...column(stage).querySelectorAll('[data-testid="column-value"]')].map((v) => v.textContent);

async function settle() {
  await vi.waitFor(() => expect(invokeMock).toHaveBeenCalled());
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
}

async function render(extra: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  backend({ pipeline: () => board(DEALS), ...extra });
  app = mount(Pipeline, { target: document.body, props: { onLocked: () => {} } });
  await settle();
}

function type(input: HTMLInputElement, value: string) {
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

describe("Pipeline board", () => {
  it("shows a column per stage in order with counts and per-currency totals", async () => {
    await render();
    expect($$('[data-testid="pipeline-column"]').map((c) => c.dataset.stage)).toEqual([
      "Lead",
      "Qualified",
      "Proposal",
    ]);
    expect(column("Lead").querySelector('[data-testid="column-count"]')?.textContent).toBe(
      "2 deals",
    );
    // Never added up across currencies.
    expect(valuesIn("Lead")).toEqual(["€1,200.00", "$50.00"]);
    expect(valuesIn("Proposal")).toEqual([]);
    expect(idsIn("Lead")).toEqual(["a", "b"]);
    expect(card("a").textContent).toContain("Grinder");
    expect(card("a").textContent).toContain("Ada Lovelace");
    expect(card("a").textContent).toContain("€1,200.00");
    expect(card("a").textContent).toContain("Mar 1, 2026");
  });

  it("Alt+→ moves the focused card to the next stage and keeps it focused", async () => {
    await render({ move_deal: ({ id, stage }) => ({ ...DEALS[0], id, stage }) });
    card("a").focus();
    card("a").dispatchEvent(
      new KeyboardEvent("keydown", { key: "ArrowRight", altKey: true, bubbles: true }),
    );
    flushSync();
    expect(idsIn("Qualified")).toEqual(["a", "c"]);
    expect(valuesIn("Qualified")).toEqual(["€1,208.00"]);
    expect(valuesIn("Lead")).toEqual(["$50.00"]);
    await settle();
    expect(invokeMock).toHaveBeenLastCalledWith("move_deal", { id: "a", stage: "Qualified" });
    expect(document.activeElement).toBe(card("a"));
  });

  it("a refused move puts the card back and says why", async () => {
    await render({
      move_deal: () => {
        throw { code: "io", message: "disk full" };
      },
    });
    card("b").dispatchEvent(
      new KeyboardEvent("keydown", { key: "ArrowRight", altKey: true, bubbles: true }),
    );
    flushSync();
    expect(idsIn("Qualified")).toContain("b");
    await vi.waitFor(() => {
      flushSync();
      expect(idsIn("Lead")).toEqual(["a", "b"]);
    });
    expect(valuesIn("Lead")).toEqual(["€1,200.00", "$50.00"]);
    expect($('[data-testid="pipeline-notice"]')?.textContent).toContain(
      "Couldn't move “Beans” to Qualified: disk full",
    );
  });

  it("dropping a dragged card on a column moves it there", async () => {
    await render({ move_deal: ({ id, stage }) => ({ ...DEALS[2], id, stage }) });
    const data = new Map<string, string>();
    const dataTransfer = {
      setData: (k: string, v: string) => data.set(k, v),
      getData: (k: string) => data.get(k) ?? "",
      effectAllowed: "",
      dropEffect: "",
    };
    const drag = (target: HTMLElement, type: string) => {
      const event = new Event(type, { bubbles: true, cancelable: true });
      Object.defineProperty(event, "dataTransfer", { value: dataTransfer });
      target.dispatchEvent(event);
      flushSync();
      return event;
    };
    drag(card("c"), "dragstart");
    expect(data.get("text/plain")).toBe("c");
    const over = drag(column("Proposal"), "dragover");
    expect(over.defaultPrevented).toBe(true); // the column accepts the drop
    expect(column("Proposal").classList.contains("drop-target")).toBe(true);
    drag(column("Proposal"), "drop");
    expect(idsIn("Proposal")).toEqual(["c"]);
    await settle();
    expect(invokeMock).toHaveBeenLastCalledWith("move_deal", { id: "c", stage: "Proposal" });
  });

  it("the Move to… menu moves a deal, and marks it won", async () => {
    await render({
      move_deal: ({ id, stage }) => ({ ...DEALS[1], id, stage }),
      close_deal: ({ id }) => ({ ...DEALS[1], id, status: "won" }),
    });
    card("b").querySelector<HTMLElement>('[data-testid="deal-move-menu"]')!.click();
    flushSync();
    const targets = $$('[data-testid="deal-move-to"]').map((b) => b.dataset.stage);
    expect(targets).toEqual(["Qualified", "Proposal"]);
    $('[data-testid="deal-move-to"][data-stage="Proposal"]')!.click();
    flushSync();
    expect(idsIn("Proposal")).toEqual(["b"]);

    card("b").querySelector<HTMLElement>('[data-testid="deal-move-menu"]')!.click();
    flushSync();
    $('[data-testid="deal-won"]')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect(idsIn("Proposal")).toEqual([]);
    });
    expect(invokeMock).toHaveBeenLastCalledWith("close_deal", { id: "b", won: true, reason: null });
  });

  it("marking lost asks for a reason and sends it", async () => {
    await render({ close_deal: ({ id }) => ({ ...DEALS[0], id, status: "lost" }) });
    card("a").querySelector<HTMLElement>('[data-testid="deal-move-menu"]')!.click();
    flushSync();
    $('[data-testid="deal-lost"]')!.click();
    flushSync();
    type($<HTMLInputElement>('[data-testid="deal-lost-reason"]')!, "Went with a cheaper offer");
    $('[data-testid="deal-lost-submit"]')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect(idsIn("Lead")).toEqual(["b"]);
    });
    expect(invokeMock).toHaveBeenLastCalledWith("close_deal", {
      id: "a",
      won: false,
      reason: "Went with a cheaper offer",
    });
  });
});

describe("New deal", () => {
  it("shows what is missing, then adds the deal to its column", async () => {
    const grace = customer({ id: "g", display_name: "Grace Hopper" });
    await render({
      list_customers: () => ({ items: [grace], total: 1, total_is_lower_bound: false, offset: 0 }),
      add_deal: ({ input }) => {
        const i = input as { title: string; stage: string; value: { minor: number } };
        return deal({
          id: "n",
          title: i.title,
          stage: i.stage,
          value: { ...i.value, currency: "EUR" },
        });
      },
    });
    $('[data-testid="new-deal"]')!.click();
    flushSync();
    $('[data-testid="new-deal-submit"]')!.click();
    flushSync();
    const text = document.querySelector("dialog")!.textContent;
    expect(text).toContain("Choose a customer.");
    expect(text).toContain("Title is required.");
    expect(text).toContain("Value is required.");
    expect(invokeMock.mock.calls.some(([cmd]) => cmd === "add_deal")).toBe(false);

    await vi.waitFor(() => {
      flushSync();
      expect($('[data-testid="new-deal-customer-option"]')).not.toBeNull();
    });
    $('[data-testid="new-deal-customer-option"]')!.click();
    flushSync();
    expect($('[data-testid="new-deal-customer-chosen"]')?.textContent).toBe("Grace Hopper");
    type($<HTMLInputElement>('[data-testid="new-deal-title"]')!, "Roaster");
    type($<HTMLInputElement>('[data-testid="new-deal-amount"]')!, "2,500");
    const stage = $<HTMLSelectElement>('[data-testid="new-deal-stage"]')!;
    stage.value = "Qualified";
    stage.dispatchEvent(new Event("change", { bubbles: true }));
    flushSync();
    $('[data-testid="new-deal-submit"]')!.click();

    await vi.waitFor(() => {
      flushSync();
      expect(idsIn("Qualified")).toEqual(["n", "c"]);
    });
    expect(invokeMock).toHaveBeenCalledWith("add_deal", {
      input: {
        customer_id: "g",
        title: "Roaster",
        value: { minor: 250000, currency: "EUR" },
        stage: "Qualified",
        expected_close: null,
      },
    });
  });
});
