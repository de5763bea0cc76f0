import { newCustomer } from "../../test/fixtures";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CustomersState, HIGHLIGHT_MS, LIST_LIMIT, SEARCH_DEBOUNCE_MS } from "./customers.svelte";
import { backend, customer, invokeMock } from "../../test/backend";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const NEW = newCustomer({ name: "Grace Hopper" });

beforeEach(() => {
  invokeMock.mockReset();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

const listCalls = () => invokeMock.mock.calls.filter(([cmd]) => cmd === "list_customers");

describe("search", () => {
  it("debounces typing into one list_customers call with the final query", async () => {
    backend({ list_customers: () => [customer()] });
    const list = new CustomersState({ total: 10 });

    list.setQuery("a");
    list.setQuery("ac");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS - 20);
    list.setQuery("acme");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS - 1);
    expect(listCalls()).toHaveLength(0);

    await vi.advanceTimersByTimeAsync(1);
    expect(listCalls()).toEqual([["list_customers", { query: "acme", limit: LIST_LIMIT }]]);
    expect(list.items).toHaveLength(1);
    expect(list.loaded).toBe(true);
  });

  it("sends null for an empty or blank query", async () => {
    backend({ list_customers: () => [] });
    const list = new CustomersState({ total: 0 });
    list.setQuery("   ");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    expect(listCalls()).toEqual([["list_customers", { query: null, limit: LIST_LIMIT }]]);
  });

  it("ignores a slow response that a newer search overtook", async () => {
    let resolveSlow: (items: unknown) => void = () => {};
    const slow = new Promise((resolve) => (resolveSlow = resolve));
    backend({
      list_customers: ({ query }) =>
        query === "old" ? slow : [customer({ id: "new", display_name: "New" })],
    });
    const list = new CustomersState({ total: 2 });

    list.setQuery("old");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    list.setQuery("new");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    resolveSlow([customer({ id: "old", display_name: "Old" })]);
    await vi.advanceTimersByTimeAsync(0);

    expect(list.items.map((c) => c.id)).toEqual(["new"]);
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

describe("add", () => {
  it("adds, counts, clears the search and highlights the new row briefly", async () => {
    const grace = customer({ id: "g", display_name: "Grace Hopper" });
    let stored = [customer()];
    backend({
      list_customers: () => stored,
      add_customer: ({ input }) => {
        expect(input).toEqual(NEW);
        stored = [...stored, grace];
        return grace;
      },
    });
    const list = new CustomersState({ total: 1 });
    list.setQuery("zzz");

    await list.add(NEW);

    expect(list.total).toBe(2);
    expect(list.query).toBe("");
    expect(list.items.map((c) => c.id)).toEqual(["c1", "g"]);
    expect(list.highlightId).toBe("g");
    await vi.advanceTimersByTimeAsync(HIGHLIGHT_MS);
    expect(list.highlightId).toBeNull();
  });

  it("rethrows invalid_input without changing the list", async () => {
    backend({
      list_customers: () => [],
      add_customer: () => {
        throw { code: "invalid_input", message: "email: not an email address" };
      },
    });
    const list = new CustomersState({ total: 0 });
    await expect(list.add(NEW)).rejects.toMatchObject({
      code: "invalid_input",
      message: "email: not an email address",
    });
    expect(list.total).toBe(0);
    expect(list.highlightId).toBeNull();
  });
});
