import { beforeEach, describe, expect, it, vi } from "vitest";
import { backend, calls, customerPages, invokeMock } from "../test/backend";
import type { StoreStatus } from "./bindings/StoreStatus";
import { CustomersState } from "./state/customers.svelte";
import { prefetch, takeFirstPage, takePrefs, takeStatus } from "./startup";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const firstQuery = {
  query: null,
  tag: null,
  stage: null,
  owner: null,
  kind: null,
  offset: 0,
  limit: 200,
};
const ready: StoreStatus = { status: "ready", data_dir: "/d", customers: 3 };

/** `start_up` as the backend answers it: the status, and the first page when open. */
function startUp(status: StoreStatus) {
  return (args: Record<string, unknown>) => ({
    status,
    first_page: status.status === "ready" ? customerPages(3)({ query: args.first }) : null,
  });
}

beforeEach(() => {
  invokeMock.mockReset();
  // Nothing left over from another test.
  takeStatus();
  takePrefs();
  takeFirstPage(firstQuery);
});

describe("start-up prefetch", () => {
  it("asks for the prefs, and the status with the first page; each answer is taken once", async () => {
    backend({
      start_up: startUp(ready),
      get_prefs: () => ({ theme: "dark" }),
      list_customers: customerPages(3),
    });
    prefetch();
    expect(invokeMock.mock.calls.map(([c]) => c)).toEqual(["start_up", "get_prefs"]);
    expect(invokeMock.mock.calls[0]![1]).toEqual({ first: firstQuery });

    await expect(takeStatus()).resolves.toEqual(ready);
    expect(takeStatus()).toBeNull();
    await expect(takePrefs()).resolves.toMatchObject({ theme: "dark" });
    expect(takePrefs()).toBeNull();
    await expect(takeFirstPage({ ...firstQuery })).resolves.toMatchObject({ total: 3 });
    expect(takeFirstPage(firstQuery)).toBeNull();
  });

  it("gives the page only to the list's first request, and drops it for any other", () => {
    backend({ start_up: startUp(ready), get_prefs: () => ({}) });
    prefetch();
    expect(takeFirstPage({ ...firstQuery, query: "ada" })).toBeNull();
    // Dropped: a later default request may follow edits and must ask afresh.
    expect(takeFirstPage(firstQuery)).toBeNull();
  });

  it("the list uses the prefetched page instead of asking again", async () => {
    backend({
      start_up: startUp(ready),
      get_prefs: () => ({}),
      list_customers: customerPages(3),
    });
    prefetch();
    const list = new CustomersState({ total: 3 });
    await list.refresh();
    expect(list.item(2)?.id).toBe("c2");
    expect(calls("list_customers")).toHaveLength(0);
  });

  it("the list asks itself when the store wasn't open at start-up (no page came)", async () => {
    backend({
      start_up: startUp({ status: "needs_passphrase", data_dir: "/d" }),
      get_prefs: () => ({}),
      list_customers: customerPages(3),
    });
    prefetch();
    await expect(takeStatus()).resolves.toMatchObject({ status: "needs_passphrase" });
    const list = new CustomersState({ total: 3 });
    await list.refresh();
    expect(list.error).toBeNull();
    expect(list.item(0)?.id).toBe("c0");
    expect(calls("list_customers")).toHaveLength(1);
  });

  it("a failed start-up request is the status's answer once; the next ask is afresh", async () => {
    backend({
      start_up: () => {
        throw { code: "internal", message: "boom" };
      },
      get_prefs: () => ({}),
    });
    prefetch();
    await expect(takeStatus()).rejects.toMatchObject({ code: "internal" });
    expect(takeStatus()).toBeNull();
  });
});
