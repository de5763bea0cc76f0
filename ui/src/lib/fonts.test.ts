import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { applyFontStacks, fontStacks, GENERIC } from "./fonts";

const LINUX =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Safari/605.1.15";
const MAC =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)";
const WINDOWS =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0";

describe("font stacks", () => {
  it("names only generic families on Linux, where fontconfig knows no system-ui", () => {
    expect(fontStacks(LINUX)).toEqual({ font: "sans-serif", mono: "monospace, monospace" });
  });

  it("keeps the system's UI font first on macOS and Windows", () => {
    for (const ua of [MAC, WINDOWS]) {
      expect(fontStacks(ua).font).toBe("system-ui, sans-serif");
      expect(fontStacks(ua).mono).toBe("ui-monospace, monospace");
    }
  });

  it("leaves app.css's stacks alone on Linux and overrides them elsewhere", () => {
    const root = document.createElement("div");
    applyFontStacks(root, LINUX);
    expect(root.style.getPropertyValue("--font")).toBe("");
    applyFontStacks(root, MAC);
    expect(root.style.getPropertyValue("--font")).toBe("system-ui, sans-serif");
    expect(root.style.getPropertyValue("--font-mono")).toBe("ui-monospace, monospace");
  });

  it("matches app.css", () => {
    // Vitest runs in ui/ (CSS imports are stubbed there, so the file is read as text).
    const css = readFileSync("src/app.css", "utf8");
    expect(css).toContain(`--font: ${GENERIC.font};`);
    expect(css).toContain(`--font-mono: ${GENERIC.mono};`);
  });
});
