import { createRawSnippet, flushSync, mount, unmount, type ComponentProps } from "svelte";
import { afterEach, describe, expect, it } from "vitest";
import { customer } from "../../test/backend";
import CustomerTable from "./CustomerTable.svelte";

let app: Record<string, unknown> | undefined;

afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = "";
});

const empty = createRawSnippet(() => ({ render: () => "<p>Nothing here</p>" }));

function render(props: ComponentProps<typeof CustomerTable>) {
  app = mount(CustomerTable, { target: document.body, props });
  flushSync();
}

describe("CustomerTable", () => {
  it("renders one row per customer with stable test hooks", () => {
    render({
      items: [
        customer({ id: "a", display_name: "Ada", company_name: "Engines Ltd", tags: ["vip"] }),
        customer({ id: "b", kind: "company", display_name: "Acme" }),
      ],
      empty,
    });
    const rows = document.querySelectorAll('[data-testid="customer-row"]');
    expect(rows).toHaveLength(2);
    const names = [...document.querySelectorAll('[data-testid="customer-name"]')];
    expect(names.map((n) => n.textContent)).toEqual(["Ada", "Acme"]);
    expect(rows[0]?.textContent).toContain("Engines Ltd");
    expect(rows[0]?.textContent).toContain("vip");
    expect(rows[0]?.textContent).not.toContain("Company");
    expect(rows[1]?.textContent).toContain("Company");
  });

  it("renders user text as text, never as markup", () => {
    const evil = '<img src=x onerror="alert(1)"><b>Bold</b>';
    render({ items: [customer({ display_name: evil, tags: [evil] })], empty });
    expect(document.querySelector("img")).toBeNull();
    expect(document.querySelector("b")).toBeNull();
    expect(document.querySelector('[data-testid="customer-name"]')?.textContent).toBe(evil);
  });

  it("shows the empty snippet when there are no customers", () => {
    render({ items: [], empty });
    expect(document.querySelector("table")).toBeNull();
    expect(document.body.textContent).toContain("Nothing here");
  });

  it("highlights the just-added row", () => {
    render({ items: [customer({ id: "a" }), customer({ id: "b" })], highlightId: "b", empty });
    const rows = document.querySelectorAll('[data-testid="customer-row"]');
    expect(rows[0]?.classList.contains("fresh")).toBe(false);
    expect(rows[1]?.classList.contains("fresh")).toBe(true);
  });
});
