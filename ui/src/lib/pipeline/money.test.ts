import { describe, expect, it } from "vitest";
import { formatDay, formatMoney, parseAmount } from "./money";

describe("money", () => {
  it("formats minor units in the currency's own decimals", () => {
    expect(formatMoney({ minor: 1200050, currency: "EUR" })).toBe("€12,000.50");
    expect(formatMoney({ minor: 1200, currency: "JPY" })).toBe("¥1,200");
    expect(formatMoney({ minor: 1050, currency: "XQQ" })).toMatch(/^XQQ\s10\.50$/);
  });

  it.each([
    ["12,000.50", "EUR", 1200050],
    ["12", "EUR", 1200],
    ["0.5", "EUR", 50],
    ["1 200", "JPY", 1200],
    ["1.5", "JPY", null],
    ["1.234", "EUR", null],
    ["-3", "EUR", null],
    ["abc", "EUR", null],
    ["", "EUR", null],
  ])("parses %s %s as %s", (text, currency, minor) => {
    expect(parseAmount(text, currency)).toBe(minor);
  });

  it("reads a day without shifting it by time zone", () => {
    expect(formatDay("2026-03-01")).toBe("Mar 1, 2026");
    expect(formatDay(null)).toBeNull();
  });
});
