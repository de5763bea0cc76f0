import { describe, expect, it } from "vitest";
import { countLabel, relativeTime } from "./format";

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
