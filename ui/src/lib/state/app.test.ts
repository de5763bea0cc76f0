import { beforeEach, describe, expect, it, vi } from "vitest";
import { RapportError } from "../api";
import { AppState } from "./app.svelte";
import { backend, invokeMock } from "../../test/backend";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

beforeEach(() => {
  invokeMock.mockReset();
});

describe("status routing", () => {
  it("starts on the loading screen", () => {
    expect(new AppState().screen).toEqual({ name: "loading" });
  });

  it.each([
    [
      { status: "needs_setup", data_dir: "/d", keychain_available: true },
      { name: "setup", dataDir: "/d", keychainAvailable: true },
    ],
    [
      { status: "needs_passphrase", data_dir: "/d" },
      { name: "unlock", dataDir: "/d", keychain: false },
    ],
    [
      { status: "needs_passphrase", data_dir: "/d", keychain: true },
      { name: "unlock", dataDir: "/d", keychain: true },
    ],
    [
      { status: "cannot_open", data_dir: "/d", code: "corrupt", message: "bad page" },
      { name: "cannot_open", dataDir: "/d", code: "corrupt", message: "bad page" },
    ],
    [
      { status: "ready", data_dir: "/d", customers: 12 },
      { name: "customers", dataDir: "/d", customers: 12 },
    ],
  ])("routes %o", async (status, screen) => {
    backend({ store_status: () => status });
    const app = new AppState();
    await app.load();
    expect(app.screen).toEqual(screen);
  });

  it("shows the can't-open screen when the backend can't be reached", async () => {
    invokeMock.mockRejectedValue(new Error("no backend"));
    const app = new AppState();
    await app.load();
    expect(app.screen).toEqual({
      name: "cannot_open",
      dataDir: null,
      code: "internal",
      message: "no backend",
    });
  });
});

describe("actions", () => {
  it("unlock moves to the customer list", async () => {
    backend({
      store_status: () => ({ status: "needs_passphrase", data_dir: "/d" }),
      unlock: ({ passphrase }) => {
        if (passphrase !== "right one") throw { code: "wrong_passphrase", message: "wrong" };
        return { status: "ready", data_dir: "/d", customers: 3 };
      },
    });
    const app = new AppState();
    await app.load();

    const failed = app.unlock("wrong one");
    await expect(failed).rejects.toBeInstanceOf(RapportError);
    await expect(failed).rejects.toMatchObject({ code: "wrong_passphrase" });
    expect(app.screen.name).toBe("unlock");

    await app.unlock("right one");
    expect(app.screen).toEqual({ name: "customers", dataDir: "/d", customers: 3 });
  });

  it("createStore passes null for the keychain and follows the new status", async () => {
    backend({
      store_status: () => ({ status: "needs_setup", data_dir: "/d", keychain_available: true }),
      create_store: () => ({ status: "ready", data_dir: "/d", customers: 25 }),
    });
    const app = new AppState();
    await app.load();
    await app.createStore(null);
    expect(invokeMock).toHaveBeenLastCalledWith("create_store", { passphrase: null });
    expect(app.screen.name).toBe("customers");
  });
});
