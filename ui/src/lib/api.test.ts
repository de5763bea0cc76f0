import { newCustomer } from "../test/fixtures";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { addCustomer, createStore, RapportError, storeStatus, unlock } from "./api";
import { invokeMock } from "../test/backend";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

beforeEach(() => {
  invokeMock.mockReset();
});

describe("command wrappers", () => {
  it("use the backend's command and argument names", async () => {
    invokeMock.mockResolvedValue(null);
    const input = newCustomer();

    await storeStatus();
    await unlock("hunter22");
    await createStore(null);
    await createStore("correct horse");
    await addCustomer(input);

    expect(invokeMock.mock.calls).toEqual([
      ["store_status", undefined],
      ["unlock", { passphrase: "hunter22" }],
      ["create_store", { passphrase: null }],
      ["create_store", { passphrase: "correct horse" }],
      ["add_customer", { input }],
    ]);
  });

  it("pass results through", async () => {
    invokeMock.mockResolvedValue({ status: "needs_passphrase", data_dir: "/d" });
    await expect(storeStatus()).resolves.toEqual({ status: "needs_passphrase", data_dir: "/d" });
  });
});

describe("error wrapping", () => {
  async function rejection(reason: unknown): Promise<RapportError> {
    invokeMock.mockRejectedValue(reason);
    try {
      await unlock("x");
    } catch (e) {
      return e as RapportError;
    }
    throw new Error("expected a rejection");
  }

  it("turns an ApiError into a RapportError with the same code and message", async () => {
    const err = await rejection({ code: "wrong_passphrase", message: "nope" });
    expect(err).toBeInstanceOf(RapportError);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe("wrong_passphrase");
    expect(err.message).toBe("nope");
    expect(err.name).toBe("RapportError");
  });

  it("maps a plain string rejection to `internal`", async () => {
    const err = await rejection("command list_customers not found");
    expect(err).toBeInstanceOf(RapportError);
    expect(err.code).toBe("internal");
    expect(err.message).toBe("command list_customers not found");
  });

  it("maps a thrown Error to `internal`, keeping its message", async () => {
    const err = await rejection(new TypeError("window.__TAURI_INTERNALS__ is undefined"));
    expect(err.code).toBe("internal");
    expect(err.message).toContain("__TAURI_INTERNALS__");
  });

  it("does not trust an unknown error code", async () => {
    const err = await rejection({ code: "made_up", message: "hm" });
    expect(err.code).toBe("internal");
    expect(err.message).toBe("hm");
  });

  it("does not treat an object without a message as an ApiError", async () => {
    const err = await rejection({ code: "corrupt" });
    expect(err.code).toBe("internal");
  });
});
