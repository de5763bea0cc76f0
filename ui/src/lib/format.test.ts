import { describe, expect, it } from "vitest";
import {
  countLabel,
  dateInputToIso,
  dayAndTime,
  formatMoney,
  parseAmount,
  personalDate,
  relativeTime,
  upcomingDay,
} from "./format";

describe("countLabel", () => {
  it("groups thousands and picks singular or plural", () => {
    expect(countLabel(0, "customer")).toBe("0 customers");
    expect(countLabel(1, "customer")).toBe("1 customer");
    expect(countLabel(1234, "customer")).toBe("1,234 customers");
  });
});

describe("relativeTime", () => {
  const now = new Date("2025-06-15T12:00:00Z");
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();

  it("shows a dash when never contacted or unreadable", () => {
    expect(relativeTime(null, now)).toBe("—");
    expect(relativeTime("not a date", now)).toBe("—");
  });

  it.each([
    [10, "just now"],
    [5 * 60, "5 minutes ago"],
    [3 * 3600, "3 hours ago"],
    [24 * 3600, "yesterday"],
    [3 * 86400, "3 days ago"],
    [60 * 86400, "2 months ago"],
    [800 * 86400, "2 years ago"],
  ])("%i seconds ago reads %s", (seconds, text) => {
    expect(relativeTime(ago(seconds), now)).toBe(text);
  });

  it("reads RFC 3339 with a Z suffix", () => {
    expect(relativeTime("2025-06-12T12:00:00Z", now)).toBe("3 days ago");
  });
});

describe("money", () => {
  it("formats minor units per currency", () => {
    expect(formatMoney({ minor: 1250, currency: "EUR" })).toBe("€12.50");
    expect(formatMoney({ minor: 1200, currency: "JPY" })).toBe("¥1,200");
    expect(formatMoney({ minor: 123456, currency: "USD" })).toBe("$1,234.56");
  });

  it("reads amounts typed in major units", () => {
    expect(parseAmount("12.5", "EUR")).toBe(1250);
    expect(parseAmount("1,234.56", "USD")).toBe(123456);
    expect(parseAmount("1200", "JPY")).toBe(1200);
    expect(parseAmount("12.5", "JPY")).toBeNull();
    expect(parseAmount("12.505", "EUR")).toBeNull();
    expect(parseAmount("-3", "EUR")).toBeNull();
    expect(parseAmount("", "EUR")).toBeNull();
  });
});

describe("dates", () => {
  it("shows a birthday without a year as day and month", () => {
    expect(personalDate("--03-12")).toBe("12 March");
    expect(personalDate("--02-29")).toBe("29 February");
    expect(personalDate("1990-03-12")).toBe("12 March 1990");
    expect(personalDate(null)).toBe("");
  });

  it("shows an upcoming day with its weekday", () => {
    expect(upcomingDay("2026-03-12")).toBe("Thu 12 March");
    expect(upcomingDay("--03-12")).toBe("12 March");
  });

  it("shows an instant as a local day and time, with the year only when it isn't this one", () => {
    const now = new Date(2026, 10, 22, 10, 0);
    expect(dayAndTime(new Date(2026, 10, 3, 14, 5).toISOString(), now)).toBe("3 Nov 14:05");
    expect(dayAndTime(new Date(2026, 0, 9, 8, 0).toISOString(), now)).toBe("9 Jan 08:00");
    expect(dayAndTime(new Date(2025, 11, 31, 23, 59).toISOString(), now)).toBe("31 Dec 2025 23:59");
    expect(dayAndTime("not a time", now)).toBe("");
    expect(dayAndTime(null, now)).toBe("");
  });

  it("turns a date input into 09:00 local time", () => {
    expect(dateInputToIso("2030-01-15")).toBe(new Date(2030, 0, 15, 9).toISOString());
    expect(dateInputToIso("")).toBeNull();
  });
});
