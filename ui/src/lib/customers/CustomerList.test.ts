import { createRawSnippet, flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backend, customer, customerPages, invokeMock } from "../../test/backend";
import { CustomersState } from "../state/customers.svelte";
import CustomerList, { OVERSCAN, ROW_HEIGHT } from "./CustomerList.svelte";

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

const empty = createRawSnippet(() => ({ render: () => "<p>Nothing here</p>" }));

async function render(list: CustomersState, onOpen = vi.fn()) {
  app = mount(CustomerList, { target: document.body, props: { list, onOpen, empty } });
  flushSync();
  await vi.waitFor(() => expect(invokeMock).toHaveBeenCalled());
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
  return onOpen;
}

const rows = () => [...document.querySelectorAll<HTMLElement>('[data-testid="customer-row"]')];
const listbox = () => document.querySelector<HTMLElement>('[role="listbox"]')!;

describe("CustomerList", () => {
  it("renders only the rows in view (plus overscan) of 100,000", async () => {
    backend({ list_customers: customerPages(100_000) });
    const list = new CustomersState({ total: 100_000 });
    await list.refresh();
    await render(list);

    const shown = rows();
    // Without layout the list assumes an 800px window.
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.length).toBeLessThan(Math.ceil(800 / ROW_HEIGHT) + 2 * OVERSCAN + 2);
    expect(shown[0]?.dataset.id).toBe("c0");
    const canvas = listbox().querySelector<HTMLElement>(".canvas")!;
    expect(canvas.style.height).toBe(`${100_000 * ROW_HEIGHT}px`);
    expect(shown[0]?.getAttribute("aria-setsize")).toBe("100000");
  });

  it("says the set size is unknown while the total is a lower bound", async () => {
    backend({
      list_customers: () => ({
        items: [customer({ id: "c0" })],
        total: 1_000,
        total_is_lower_bound: true,
        offset: 0,
      }),
    });
    const list = new CustomersState({ total: 100_000 });
    await list.refresh();
    await render(list);

    expect(rows()[0]?.getAttribute("aria-setsize")).toBe("-1");
    const canvas = listbox().querySelector<HTMLElement>(".canvas")!;
    expect(canvas.style.height).toBe(`${1_000 * ROW_HEIGHT}px`);
  });

  it("renders rows from the middle after a scroll, fetching their page", async () => {
    backend({ list_customers: customerPages(100_000) });
    const list = new CustomersState({ total: 100_000 });
    await list.refresh();
    await render(list);

    const box = listbox();
    box.scrollTop = 50_000 * ROW_HEIGHT;
    box.dispatchEvent(new Event("scroll"));
    flushSync();
    await vi.waitFor(() => {
      flushSync();
      expect(rows().some((r) => r.dataset.id === "c50000")).toBe(true);
    });
    const offsets = invokeMock.mock.calls.map(
      ([, a]) => (a as { query: { offset: number } }).query.offset,
    );
    expect(offsets).toContain(49_800);
    expect(rows().length).toBeLessThan(60);
  });

  it("moves the selection with arrow keys and opens with Enter", async () => {
    backend({ list_customers: customerPages(5) });
    const list = new CustomersState({ total: 5 });
    await list.refresh();
    const onOpen = await render(list);

    const box = listbox();
    const key = (k: string) => {
      box.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
      flushSync();
    };
    key("ArrowDown");
    key("ArrowDown");
    expect(list.selected).toBe(1);
    expect(box.getAttribute("aria-activedescendant")).toBe(rows()[1]?.id);
    expect(rows()[1]?.getAttribute("aria-selected")).toBe("true");
    key("End");
    expect(list.selected).toBe(4);
    key("ArrowUp");
    key("Enter");
    expect(onOpen).toHaveBeenCalledWith("c3");
  });

  it("opens a customer on click", async () => {
    backend({ list_customers: customerPages(3) });
    const list = new CustomersState({ total: 3 });
    await list.refresh();
    const onOpen = await render(list);
    rows()[2]!.click();
    expect(onOpen).toHaveBeenCalledWith("c2");
    expect(list.selected).toBe(2);
  });

  it("renders user text as text, never as markup", async () => {
    const evil = '<img src=x onerror="alert(1)"><b>Bold</b>';
    backend({
      list_customers: () => ({
        items: [customer({ display_name: evil, tags: [evil], owner: evil })],
        total: 1,
        total_is_lower_bound: false,
        offset: 0,
      }),
    });
    const list = new CustomersState({ total: 1 });
    await list.refresh();
    await render(list);
    expect(document.querySelector("img")).toBeNull();
    expect(document.querySelector("b")).toBeNull();
    expect(document.querySelector('[data-testid="customer-name"]')?.textContent).toBe(evil);
  });

  it("shows the empty snippet when nothing matches", async () => {
    backend({
      list_customers: () => ({ items: [], total: 0, total_is_lower_bound: false, offset: 0 }),
    });
    const list = new CustomersState({ total: 0 });
    await list.refresh();
    app = mount(CustomerList, { target: document.body, props: { list, onOpen: vi.fn(), empty } });
    flushSync();
    expect(document.querySelector('[role="listbox"]')).toBeNull();
    expect(document.body.textContent).toContain("Nothing here");
  });
});
