import { describe, expect, it } from "vitest";
import { currencyDigits, formatMoney, formatNps, formatShare, monthLabel } from "./format";
import { forecastSource } from "./series";

describe("money", () => {
  it("turns minor units into major ones by the currency's digits", () => {
    expect(currencyDigits("EUR")).toBe(2);
    expect(currencyDigits("JPY")).toBe(0);
    expect(currencyDigits("KWD")).toBe(3);
    expect(formatMoney({ minor: 123_456, currency: "EUR" })).toBe("€1,234.56");
    expect(formatMoney({ minor: 1_500, currency: "JPY" })).toBe("¥1,500");
    expect(formatMoney({ minor: 1_234, currency: "KWD" })).toBe("KWD\u00a01.234");
    expect(formatMoney({ minor: 150_000, currency: "USD" }, true)).toBe("$1.5K");
  });
});

describe("numbers", () => {
  it("formats shares, NPS and months, with — for nothing", () => {
    expect(formatShare(0.456)).toBe("46%");
    expect(formatShare(null)).toBe("—");
    expect([formatNps(40), formatNps(0), formatNps(-13), formatNps(null)]).toEqual([
      "+40",
      "0",
      "−13",
      "—",
    ]);
    expect(monthLabel("2026-01")).toBe("Jan 2026");
    expect(monthLabel("unscheduled")).toBe("No close date");
  });
});

describe("forecastSource", () => {
  const stage = (name: string, source: "history" | "default") => ({
    stage: name,
    probability: 0.5,
    source,
    default_probability: 0.5,
    closed_deals: 0,
    won_deals: 0,
  });

  it("says whether the forecast used history or defaults", () => {
    expect(forecastSource([stage("Lead", "default"), stage("Won", "default")])).toContain(
      "default probability",
    );
    expect(forecastSource([stage("Lead", "history")])).toBe(
      "The forecast weighs every stage by your own win rate.",
    );
    expect(
      forecastSource([stage("A", "history"), stage("B", "history"), stage("C", "default")]),
    ).toBe(
      "The forecast weighs A and B by your own win rate, and C by the stage default (too few closed deals yet).",
    );
  });
});
