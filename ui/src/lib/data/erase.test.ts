import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backend, invokeMock } from "../../test/backend";
import { EraseConfirm } from "./erase.svelte";
import EraseDialog from "./EraseDialog.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

beforeEach(() => {
  invokeMock.mockReset();
});

const ADA = { id: "c1", name: "Ada Lovelace" };

describe("EraseConfirm", () => {
  it("allows erasing only once the customer's name is typed", async () => {
    backend({ erase_customer: () => null });
    const confirm = new EraseConfirm(ADA);
    expect(confirm.canErase).toBe(false);
    for (const wrong of ["", "Ada", "ada lovelace", "Ada Lovelace!"]) {
      confirm.typed = wrong;
      expect(confirm.canErase, wrong).toBe(false);
      expect(await confirm.erase()).toBe(false);
    }
    expect(invokeMock).not.toHaveBeenCalled();

    confirm.typed = "  Ada   Lovelace ";
    expect(confirm.canErase).toBe(true);
    expect(await confirm.erase()).toBe(true);
    expect(invokeMock).toHaveBeenCalledWith("erase_customer", { id: "c1" });
  });

  it("says why erasing failed", async () => {
    backend({
      erase_customer: () => {
        throw { code: "not_found", message: "customer c1: no such customer" };
      },
    });
    const confirm = new EraseConfirm(ADA);
    confirm.typed = "Ada Lovelace";
    expect(await confirm.erase()).toBe(false);
    expect(confirm.error).toBe("Couldn't erase: customer c1: no such customer");
    expect(confirm.busy).toBe(false);
  });
});

describe("EraseDialog", () => {
  let app: Record<string, unknown> | undefined;
  afterEach(() => {
    if (app) unmount(app);
    app = undefined;
    document.body.innerHTML = "";
  });

  it("keeps the button disabled until the name matches, then erases and reports it", async () => {
    backend({ erase_customer: () => null });
    // happy-dom's <dialog> has no showModal in every version: stand in for it.
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.open = true;
    };
    const onErased = vi.fn();
    app = mount(EraseDialog, {
      target: document.body,
      props: { open: true, customer: ADA, onErased },
    });
    flushSync();
    const input = document.querySelector<HTMLInputElement>('[data-testid="erase-name"]')!;
    const button = document.querySelector<HTMLButtonElement>('[data-testid="erase-confirm"]')!;
    expect(document.body.textContent).toContain("can't be undone");
    expect(button.disabled).toBe(true);

    input.value = "Ada";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
    expect(button.disabled).toBe(true);

    input.value = "Ada Lovelace";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
    expect(button.disabled).toBe(false);
    button.click();
    await vi.waitFor(() => expect(onErased).toHaveBeenCalledTimes(1));
    expect(invokeMock).toHaveBeenCalledWith("erase_customer", { id: "c1" });
  });
});
