import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RapportError } from "../api";
import { fullCustomer } from "../../test/fixtures";
import EditCustomerDialog from "./EditCustomerDialog.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

let app: Record<string, unknown> | undefined;

afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = "";
});

function setup(save: (edits: [string, string][]) => Promise<void>) {
  app = mount(EditCustomerDialog, {
    target: document.body,
    props: { open: true, customer: fullCustomer({ birthday: "--03-12" }), save },
  });
  flushSync();
  const input = (testid: string) =>
    document.querySelector<HTMLInputElement>(`[data-testid="${testid}"]`)!;
  const type = (testid: string, value: string) => {
    input(testid).value = value;
    input(testid).dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
  };
  const submit = async () => {
    document
      .querySelector('[data-testid="edit-customer"]')!
      .dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
  };
  return { input, type, submit };
}

describe("EditCustomerDialog", () => {
  it("saves only what changed", async () => {
    const save = vi.fn(async () => {});
    const { type, submit } = setup(save);
    type("edit-name", "Ada King");
    await submit();
    expect(save).toHaveBeenCalledWith([["name", "Ada King"]]);
  });

  it("shows the backend's validation error next to the field it names", async () => {
    const save = vi.fn(async () => {
      throw new RapportError("invalid_input", "birthday: `31-02` is not YYYY-MM-DD or --MM-DD");
    });
    const { input, type, submit } = setup(save);
    type("edit-birthday", "31-02");
    await submit();
    const field = input("edit-birthday");
    expect(field.getAttribute("aria-invalid")).toBe("true");
    const note = document.getElementById(field.getAttribute("aria-describedby")!);
    expect(note?.textContent).toBe("`31-02` is not YYYY-MM-DD or --MM-DD");
    expect(input("edit-name").getAttribute("aria-invalid")).toBeNull();
  });

  it("shows other errors above the form", async () => {
    const { type, submit } = setup(async () => {
      throw new RapportError("io", "disk full");
    });
    type("edit-name", "X");
    await submit();
    expect(document.querySelector('[role="alert"]')?.textContent).toContain("disk full");
  });
});
