import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backend, invokeMock } from "../../test/backend";
import { applyTheme, DEFAULT_PREFS, PrefsState } from "./prefs.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const root = document.documentElement;

beforeEach(() => {
  invokeMock.mockReset();
});
afterEach(() => {
  delete root.dataset.theme;
});

describe("theme", () => {
  it("pins light or dark on <html> and leaves system to the OS", () => {
    applyTheme("dark");
    expect(root.getAttribute("data-theme")).toBe("dark");
    applyTheme("light");
    expect(root.getAttribute("data-theme")).toBe("light");
    applyTheme("system");
    expect(root.hasAttribute("data-theme")).toBe(false);
  });

  it("is applied when prefs load at startup", async () => {
    backend({ get_prefs: () => ({ ...DEFAULT_PREFS, theme: "dark" }) });
    const prefs = new PrefsState();
    await prefs.load();
    expect(prefs.current.theme).toBe("dark");
    expect(root.dataset.theme).toBe("dark");
  });

  it("keeps the defaults when prefs can't be read", async () => {
    backend({
      get_prefs: () => {
        throw { code: "io", message: "prefs.json: unreadable" };
      },
    });
    const prefs = new PrefsState();
    await prefs.load();
    expect(prefs.current).toEqual(DEFAULT_PREFS);
    expect(prefs.error?.message).toBe("prefs.json: unreadable");
    expect(prefs.loaded).toBe(true);
    expect(root.hasAttribute("data-theme")).toBe(false);
  });
});

describe("save", () => {
  it("applies the theme before the backend answers and keeps what it saved", async () => {
    let seenTheme: string | undefined;
    backend({
      save_prefs: ({ prefs }) => {
        seenTheme = root.dataset.theme;
        return prefs;
      },
    });
    const prefs = new PrefsState();
    const next = { ...DEFAULT_PREFS, theme: "light" as const, reminder_days: 14 };
    await prefs.save(next);
    expect(seenTheme).toBe("light");
    expect(invokeMock).toHaveBeenCalledWith("save_prefs", { prefs: next });
    expect(prefs.current).toEqual(next);
  });

  it("puts the saved theme back and rethrows when the backend refuses", async () => {
    backend({
      save_prefs: () => {
        throw { code: "invalid_input", message: "reminder_days: must be at most 365" };
      },
    });
    const prefs = new PrefsState();
    const attempt = prefs.save({ ...DEFAULT_PREFS, theme: "dark", reminder_days: 999 });
    await expect(attempt).rejects.toMatchObject({ code: "invalid_input" });
    expect(root.hasAttribute("data-theme")).toBe(false);
    expect(prefs.current).toEqual(DEFAULT_PREFS);
  });
});
