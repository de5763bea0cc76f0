import { beforeEach, describe, expect, it, vi } from "vitest";
import { backend, customerPages, invokeMock } from "../test/backend";
import { CustomersState } from "./state/customers.svelte";
import { prefetch, takeFirstPage, takePrefs, takeStatus } from "./startup";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const calls = (command: string) => invokeMock.mock.calls.filter(([c]) => c === command).length;
const firstQuery = {
  query: null,
  tag: null,
  stage: null,
  owner: null,
  kind: null,
  offset: 0,
  limit: 200,
};

beforeEach(() => {
  invokeMock.mockReset();
  // Nothing left over from another test.
  takeStatus();
  takePrefs();
  takeFirstPage(firstQuery);
});

describe("start-up prefetch", () => {
  it("asks for the status, prefs and first page at once; each answer is taken once", async () => {
    backend({
      store_status: () => ({ status: "ready", data_dir: "/d", customers: 3 }),
      get_prefs: () => ({ theme: "dark" }),
      list_customers: customerPages(3),
    });
    prefetch();
    expect(invokeMock.mock.calls.map(([c]) => c)).toEqual([
      "store_status",
      "get_prefs",
      "list_customers",
    ]);
    expect(invokeMock.mock.calls[2]![1]).toEqual({ query: firstQuery });

    await expect(takeStatus()).resolves.toMatchObject({ status: "ready", customers: 3 });
    expect(takeStatus()).toBeNull();
    await expect(takePrefs()).resolves.toMatchObject({ theme: "dark" });
    expect(takePrefs()).toBeNull();
    await expect(takeFirstPage({ ...firstQuery })).resolves.toMatchObject({ total: 3 });
    expect(takeFirstPage(firstQuery)).toBeNull();
  });

  it("gives the page only to the list's first request, and drops it for any other", async () => {
    backend({
      store_status: () => ({ status: "ready", data_dir: "/d", customers: 3 }),
      get_prefs: () => ({}),
      list_customers: customerPages(3),
    });
    prefetch();
    expect(takeFirstPage({ ...firstQuery, query: "ada" })).toBeNull();
    // Dropped: a later default request may follow edits and must ask afresh.
    expect(takeFirstPage(firstQuery)).toBeNull();
  });

  it("the list uses the prefetched page instead of asking again", async () => {
    backend({
      store_status: () => ({ status: "ready", data_dir: "/d", customers: 3 }),
      get_prefs: () => ({}),
      list_customers: customerPages(3),
    });
    prefetch();
    const list = new CustomersState({ total: 3 });
    await list.refresh();
    expect(list.item(2)?.id).toBe("c2");
    expect(calls("list_customers")).toBe(1);
  });

  it("the list asks again when the prefetched page failed (the store was still locked)", async () => {
    let unlocked = false;
    backend({
      store_status: () => ({ status: "needs_passphrase", data_dir: "/d" }),
      get_prefs: () => ({}),
      list_customers: (args) => {
        if (!unlocked) throw { code: "locked", message: "the store is locked" };
        return customerPages(3)(args);
      },
    });
    prefetch();
    unlocked = true;
    const list = new CustomersState({ total: 3 });
    await list.refresh();
    expect(list.error).toBeNull();
    expect(list.item(0)?.id).toBe("c0");
    expect(calls("list_customers")).toBe(2);
  });
});
