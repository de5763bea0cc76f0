import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RapportError } from "../lib/api";
import Unlock from "./Unlock.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

let app: Record<string, unknown> | undefined;

afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = "";
});

function setup(unlock: (passphrase: string | null) => Promise<void>) {
  app = mount(Unlock, { target: document.body, props: { dataDir: "/data", unlock } });
  flushSync();
  const input = document.querySelector<HTMLInputElement>('[data-testid="unlock-passphrase"]')!;
  const form = input.closest("form")!;
  const type = (value: string) => {
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
  };
  const submit = async () => {
    form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
    await vi.waitFor(() => expect(input.readOnly).toBe(false));
    flushSync();
  };
  return { input, type, submit };
}

describe("Unlock", () => {
  it("re-opens a keychain store the user locked without asking for a passphrase", async () => {
    const unlock = vi.fn(async (_: string | null) => {});
    app = mount(Unlock, {
      target: document.body,
      props: { dataDir: "/data", keychain: true, unlock },
    });
    flushSync();
    expect(document.querySelector('[data-testid="unlock-passphrase"]')).toBeNull();
    expect(document.body.textContent).toContain("system keychain");
    document.querySelector<HTMLButtonElement>('[data-testid="unlock-submit"]')!.click();
    await vi.waitFor(() => expect(unlock).toHaveBeenCalledWith(null));
  });

  it("focuses the passphrase field", () => {
    const { input } = setup(async () => {});
    expect(document.activeElement).toBe(input);
  });

  it("explains a wrong passphrase and keeps the field focused", async () => {
    const unlock = vi.fn(async () => {
      throw new RapportError("wrong_passphrase", "wrong passphrase");
    });
    const { input, type, submit } = setup(unlock);
    type("not it");
    await submit();
    await vi.waitFor(() =>
      expect(document.body.textContent).toContain(
        "That passphrase doesn't unlock this store. Try again.",
      ),
    );
    expect(unlock).toHaveBeenCalledWith("not it");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(input);
  });

  it("shows other errors' messages as they are", async () => {
    const { type, submit } = setup(async () => {
      throw new RapportError("io", "Disk full");
    });
    type("whatever");
    await submit();
    await vi.waitFor(() => expect(document.body.textContent).toContain("Disk full"));
  });
});
