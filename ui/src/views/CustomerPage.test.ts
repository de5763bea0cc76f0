import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backend, invokeMock } from "../test/backend";
import { detail, fullCustomer, interaction } from "../test/fixtures";
import CustomerPage from "./CustomerPage.svelte";

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

function props() {
  return {
    id: "c1",
    changes: 0,
    backLabel: "Customers",
    onBack: vi.fn(),
    onLocked: vi.fn(),
    onOpen: vi.fn(),
    onLog: vi.fn(),
    onShown: vi.fn(),
    onChanged: vi.fn(),
    onDeleted: vi.fn(),
  };
}

async function render(p = props()) {
  app = mount(CustomerPage, { target: document.body, props: p });
  await vi.waitFor(() => {
    flushSync();
    expect(document.querySelector('[data-testid="customer-page-name"]')).not.toBeNull();
  });
  return p;
}

const text = (sel: string) => document.querySelector(sel)?.textContent?.trim() ?? "";

describe("CustomerPage", () => {
  it("shows profile, memory, dates and a newest-first timeline", async () => {
    backend({
      get_customer: () =>
        detail({
          customer: fullCustomer({
            birthday: "--03-12",
            important_dates: [{ label: "Anniversary", date: "2015-06-01" }],
            key_facts: [{ kind: "pet", label: "dog", value: "Rex" }],
            owner: "Sam",
            custom_fields: { "Shoe size": "38" },
            last_contacted_at: "2025-06-01T10:00:00Z",
          }),
          timeline: [
            interaction({
              id: "p",
              kind: "purchase",
              summary: "Beans",
              amount: { minor: 1250, currency: "EUR" },
            }),
            interaction({ id: "f", kind: "feedback", summary: "Happy", score: 9 }),
            interaction({ id: "x", kind: "complaint", summary: "Late", resolved_at: null }),
          ],
        }),
    });
    const p = await render();
    const body = document.body.textContent ?? "";
    expect(body).toContain("12 March");
    expect(body).not.toContain("--03-12");
    expect(body).toContain("1 June 2015");
    expect(body).toContain("Rex");
    expect(body).toContain("Sam");
    expect(body).toContain("Shoe size");
    const entries = [...document.querySelectorAll('[data-testid="timeline-entry"]')];
    expect(entries.map((e) => e.getAttribute("data-kind"))).toEqual([
      "purchase",
      "feedback",
      "complaint",
    ]);
    expect(entries[0]?.textContent).toContain("€12.50");
    expect(entries[1]?.textContent).toContain("9/10");
    expect(entries[2]?.textContent).toContain("Open");
    expect(text('[data-testid="customer-last-contacted"]')).not.toBe("never");
    expect(p.onShown).toHaveBeenCalledWith({ id: "c1", name: "Ada Lovelace" });
  });

  it("resolves a complaint and tells the app", async () => {
    let resolved: string | null = null;
    backend({
      get_customer: () =>
        detail({
          timeline: [
            interaction({ id: "x", kind: "complaint", summary: "Late", resolved_at: resolved }),
          ],
        }),
      resolve_complaint: () => {
        resolved = "2025-06-02T10:00:00Z";
        return {};
      },
    });
    const p = await render();
    document.querySelector<HTMLElement>('[data-testid="resolve-complaint"]')!.click();
    await vi.waitFor(() => {
      flushSync();
      expect(document.querySelector('[data-testid="complaint-resolved"]')).not.toBeNull();
    });
    expect(invokeMock).toHaveBeenCalledWith("resolve_complaint", { id: "x" });
    expect(p.onChanged).toHaveBeenCalled();
  });

  it("adds a follow-up from the form", async () => {
    backend({ get_customer: () => detail(), add_followup: () => ({}) });
    await render();
    const title = document.querySelector<HTMLInputElement>('[data-testid="followup-add-title"]')!;
    const due = document.querySelector<HTMLInputElement>('[data-testid="followup-add-due"]')!;
    title.value = "Send the quote";
    title.dispatchEvent(new Event("input", { bubbles: true }));
    due.value = "2030-01-15";
    due.dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
    document
      .querySelector('[data-testid="followup-add"]')!
      .dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    await vi.waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith("add_followup", {
        customerId: "c1",
        title: "Send the quote",
        dueAt: new Date(2030, 0, 15, 9).toISOString(),
      }),
    );
  });

  it("renders user text as text", async () => {
    const evil = "<img src=x onerror=alert(1)>";
    backend({
      get_customer: () =>
        detail({
          customer: fullCustomer({ display_name: evil, notes: evil }),
          timeline: [interaction({ summary: evil, body: evil })],
        }),
    });
    await render();
    expect(document.querySelector("img")).toBeNull();
    expect(text('[data-testid="customer-page-name"]')).toBe(evil);
  });

  it("says so when the customer no longer exists", async () => {
    backend({
      get_customer: () => {
        throw { code: "not_found", message: "customer c1 not found" };
      },
    });
    app = mount(CustomerPage, { target: document.body, props: props() });
    await vi.waitFor(() => {
      flushSync();
      expect(document.body.textContent).toContain("This customer no longer exists.");
    });
  });
});
