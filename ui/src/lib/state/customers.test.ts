import { newCustomer } from "../../test/fixtures";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  CustomersState,
  HIGHLIGHT_MS,
  MAX_CACHED_PAGES,
  PAGE_SIZE,
  SEARCH_DEBOUNCE_MS,
} from "./customers.svelte";
import { backend, customer, customerPages, invokeMock } from "../../test/backend";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const NEW = newCustomer({ name: "Grace Hopper" });

beforeEach(() => {
  invokeMock.mockReset();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

type Query = { query: string | null; offset: number; limit: number; tag: string | null };
const listCalls = () =>
  invokeMock.mock.calls
    .filter(([cmd]) => cmd === "list_customers")
    .map(([, args]) => (args as { query: Query }).query);

function page(items: ReturnType<typeof customer>[], total = items.length, offset = 0) {
  return { items, total, total_is_lower_bound: false, offset };
}

describe("search", () => {
  it("debounces typing into one list_customers call with the final query", async () => {
    backend({ list_customers: () => page([customer()]) });
    const list = new CustomersState({ total: 10 });

    list.setQuery("a");
    list.setQuery("ac");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS - 20);
    list.setQuery("acme");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS - 1);
    expect(listCalls()).toHaveLength(0);

    await vi.advanceTimersByTimeAsync(1);
    expect(listCalls()).toEqual([
      {
        query: "acme",
        tag: null,
        stage: null,
        owner: null,
        kind: null,
        offset: 0,
        limit: PAGE_SIZE,
      },
    ]);
    expect(list.total).toBe(1);
    expect(list.item(0)?.id).toBe("c1");
    expect(list.loaded).toBe(true);
    // A search doesn't change how many customers the store holds.
    expect(list.storeTotal).toBe(10);
  });

  it("sends null for an empty or blank query", async () => {
    backend({ list_customers: () => page([]) });
    const list = new CustomersState({ total: 0 });
    list.setQuery("   ");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    expect(listCalls().map((q) => q.query)).toEqual([null]);
  });

  it("ignores a slow response that a newer search overtook", async () => {
    let resolveSlow: (items: unknown) => void = () => {};
    const slow = new Promise((resolve) => (resolveSlow = resolve));
    backend({
      list_customers: ({ query }) =>
        (query as Query).query === "old"
          ? slow
          : page([customer({ id: "new", display_name: "New" })]),
    });
    const list = new CustomersState({ total: 2 });

    list.setQuery("old");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    list.setQuery("new");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    resolveSlow(page([customer({ id: "old" }), customer({ id: "old2" })]));
    await vi.advanceTimersByTimeAsync(0);

    expect(list.item(0)?.id).toBe("new");
    expect(list.total).toBe(1);
    expect(list.loading).toBe(false);
  });

  it("keeps the error and asks the app to re-check when the store is locked", async () => {
    backend({
      list_customers: () => {
        throw { code: "locked", message: "The store is locked." };
      },
    });
    const onLocked = vi.fn();
    const list = new CustomersState({ total: 1, onLocked });
    await list.refresh();
    expect(list.error?.code).toBe("locked");
    expect(onLocked).toHaveBeenCalledOnce();
  });
});

describe("paging", () => {
  it("fetches only the pages a visible range needs, once each, and caches them", async () => {
    backend({ list_customers: customerPages(100_000) });
    const list = new CustomersState({ total: 100_000 });
    await list.refresh();
    expect(list.total).toBe(100_000);
    expect(list.item(PAGE_SIZE)).toBeUndefined();

    // Rows 390..430 straddle pages 1 and 2.
    list.ensureRange(390, 430);
    list.ensureRange(395, 435); // already on their way: no second request
    await vi.advanceTimersByTimeAsync(0);
    expect(listCalls().map((q) => q.offset)).toEqual([0, PAGE_SIZE, 2 * PAGE_SIZE]);
    expect(list.item(399)?.id).toBe("c399");
    expect(list.item(400)?.id).toBe("c400");

    list.ensureRange(0, 30); // cached
    await vi.advanceTimersByTimeAsync(0);
    expect(listCalls()).toHaveLength(3);
  });

  it("takes a search's lower-bound total, raises it page by page, and keeps an exact one", async () => {
    // Like the backend: matches counted up to the next 1,000 past the page asked for.
    const n = 2_500;
    backend({
      list_customers: (args) => {
        const q = args.query as { offset: number; limit: number };
        const cap = (Math.floor((q.offset + q.limit) / 1_000) + 1) * 1_000;
        const items = [];
        for (let i = q.offset; i < Math.min(n, q.offset + q.limit); i++) {
          items.push(customer({ id: `c${i}` }));
        }
        const total = Math.min(n, cap);
        return { items, total, total_is_lower_bound: n >= cap, offset: q.offset };
      },
    });
    const list = new CustomersState({ total: 100_000 });
    list.setQuery("d");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    expect([list.total, list.totalIsLowerBound]).toEqual([1_000, true]);

    list.ensureRange(900, 1_000); // page 4 ends at 1,000: counted to 2,000
    await vi.advanceTimersByTimeAsync(0);
    expect([list.total, list.totalIsLowerBound]).toEqual([2_000, true]);
    list.ensureRange(1_900, 2_000);
    await vi.advanceTimersByTimeAsync(0);
    expect([list.total, list.totalIsLowerBound]).toEqual([2_500, false]);
    // A page near the top says "1,000+" again: the exact total stays.
    list.ensureRange(200, 300);
    await vi.advanceTimersByTimeAsync(0);
    expect(listCalls().at(-1)?.offset).toBe(PAGE_SIZE);
    expect([list.total, list.totalIsLowerBound]).toEqual([2_500, false]);
    // A new search starts over from its own first page.
    list.setQuery("du");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    expect([list.total, list.totalIsLowerBound]).toEqual([1_000, true]);
  });

  it("keeps at most MAX_CACHED_PAGES pages, dropping the ones farthest away", async () => {
    backend({ list_customers: customerPages(100_000) });
    const list = new CustomersState({ total: 100_000 });
    await list.refresh();
    for (let p = 1; p <= MAX_CACHED_PAGES + 5; p++) {
      list.ensureRange(p * PAGE_SIZE, p * PAGE_SIZE + 10);
      await vi.advanceTimersByTimeAsync(0);
    }
    const cached = list.cachedPages();
    expect(cached).toHaveLength(MAX_CACHED_PAGES);
    expect(cached).toContain(MAX_CACHED_PAGES + 5);
    expect(cached).not.toContain(0);
  });

  it("starts over from the top when a filter changes", async () => {
    backend({ list_customers: customerPages(5_000) });
    const list = new CustomersState({ total: 5_000 });
    await list.refresh();
    list.ensureRange(1000, 1040);
    await vi.advanceTimersByTimeAsync(0);
    list.scrollTop = 48_000;
    list.select(1010);
    const resets = list.resets;

    await list.setFilter("tag", "vip");

    const last = listCalls().at(-1)!;
    expect(last).toMatchObject({ tag: "vip", offset: 0 });
    expect(list.cachedPages()).toEqual([0]);
    expect(list.scrollTop).toBe(0);
    expect(list.selected).toBe(-1);
    expect(list.resets).toBe(resets + 1);
    expect(list.filtered).toBe(true);

    await list.clearFilters();
    expect(listCalls().at(-1)).toMatchObject({ tag: null, offset: 0 });
    expect(list.filtered).toBe(false);
  });

  it("drops a page that arrives after the filter changed", async () => {
    const pending: ((v: unknown) => void)[] = [];
    const pages = customerPages(1_000);
    backend({
      list_customers: (args) => {
        const q = (args as { query: Query }).query;
        if (q.offset > 0) return new Promise((resolve) => pending.push(() => resolve(pages(args))));
        return q.tag === "vip" ? page([customer({ id: "vip" })], 1) : pages(args);
      },
    });
    const list = new CustomersState({ total: 1_000 });
    await list.refresh();
    list.ensureRange(600, 640); // page 3, held back
    await list.setFilter("tag", "vip");
    pending.forEach((resolve) => resolve(null));
    await vi.advanceTimersByTimeAsync(0);

    expect(list.cachedPages()).toEqual([0]);
    expect(list.total).toBe(1);
    expect(list.item(0)?.id).toBe("vip");
  });

  it("waits for a new search's first page before fetching others", async () => {
    backend({ list_customers: customerPages(1_000) });
    const list = new CustomersState({ total: 1_000 });
    const first = list.refresh();
    list.ensureRange(0, 40);
    await first;
    expect(listCalls()).toHaveLength(1);
  });

  it("reload refetches the pages on screen without moving", async () => {
    backend({ list_customers: customerPages(1_000) });
    const list = new CustomersState({ total: 1_000 });
    await list.refresh();
    list.ensureRange(410, 450);
    await vi.advanceTimersByTimeAsync(0);
    list.scrollTop = 20_000;
    invokeMock.mockClear();

    await list.reload();
    expect(listCalls().map((q) => q.offset)).toEqual([2 * PAGE_SIZE]);
    expect(list.scrollTop).toBe(20_000);
    expect(list.cachedPages()).toEqual([2]);
  });
});

describe("selection and patching", () => {
  it("moves the selection within the list and asks the view to reveal it", async () => {
    backend({ list_customers: customerPages(3) });
    const list = new CustomersState({ total: 3 });
    await list.refresh();
    list.moveSelection(1);
    expect(list.selected).toBe(0);
    list.moveSelection(10);
    expect(list.selected).toBe(2);
    expect(list.reveal).toBe(2);
    list.moveSelection(-1);
    expect(list.selected).toBe(1);
  });

  it("patches a cached row in place", async () => {
    backend({ list_customers: customerPages(3) });
    const list = new CustomersState({ total: 3 });
    await list.refresh();
    list.patch("c1", { last_contacted_at: "2026-01-01T10:00:00Z" });
    expect(list.item(1)?.last_contacted_at).toBe("2026-01-01T10:00:00Z");
    expect(list.item(0)?.last_contacted_at).toBeNull();
  });
});

describe("add", () => {
  it("adds, counts, clears search and filters, selects and highlights the new row", async () => {
    const grace = customer({ id: "g", display_name: "Grace Hopper" });
    let stored = [customer()];
    backend({
      list_customers: () => page(stored),
      customer_facets: () => ({ tags: [], owners: [] }),
      add_customer: ({ input }) => {
        expect(input).toEqual(NEW);
        stored = [...stored, grace];
        return grace;
      },
    });
    const list = new CustomersState({ total: 1 });
    list.setQuery("zzz");
    list.filters = { ...list.filters, stage: "lead" };

    await list.add(NEW);

    expect(list.storeTotal).toBe(2);
    expect(list.query).toBe("");
    expect(list.filtered).toBe(false);
    expect(list.item(1)?.id).toBe("g");
    expect(list.selected).toBe(1);
    expect(list.pinned).toBeNull();
    expect(list.highlightId).toBe("g");
    await vi.advanceTimersByTimeAsync(HIGHLIGHT_MS);
    expect(list.highlightId).toBeNull();
  });

  it("pins a new customer that isn't on the first page", async () => {
    const grace = customer({ id: "g" });
    backend({
      list_customers: customerPages(5_000),
      customer_facets: () => ({ tags: [], owners: [] }),
      add_customer: () => grace,
    });
    const list = new CustomersState({ total: 5_000 });
    await list.add(NEW);
    expect(list.pinned?.id).toBe("g");
  });

  it("rethrows invalid_input without changing the list", async () => {
    backend({
      list_customers: () => page([]),
      add_customer: () => {
        throw { code: "invalid_input", message: "email: not an email address" };
      },
    });
    const list = new CustomersState({ total: 0 });
    await expect(list.add(NEW)).rejects.toMatchObject({
      code: "invalid_input",
      message: "email: not an email address",
    });
    expect(list.storeTotal).toBe(0);
    expect(list.highlightId).toBeNull();
  });
});
