import { describe, expect, it } from "vitest";
import { scrollToShow, visibleRange } from "./virtual";

describe("visibleRange", () => {
  it("covers the visible rows plus overscan on both sides", () => {
    // 50px rows, 500px viewport scrolled to row 100.
    expect(visibleRange(5000, 500, 50, 100_000, 10)).toEqual({ start: 90, end: 121 });
  });

  it("clamps at the top and bottom of the list", () => {
    expect(visibleRange(0, 500, 50, 100_000, 10)).toEqual({ start: 0, end: 21 });
    expect(visibleRange(0, 500, 50, 5, 10)).toEqual({ start: 0, end: 5 });
    expect(visibleRange(999_999, 500, 50, 30, 10)).toEqual({ start: 19, end: 30 });
    expect(visibleRange(0, 500, 50, 0, 10)).toEqual({ start: 0, end: 0 });
  });
});

describe("scrollToShow", () => {
  it("scrolls just enough to show a row above or below the viewport", () => {
    expect(scrollToShow(100, 150, 120, 400)).toBe(100);
    expect(scrollToShow(600, 650, 120, 400)).toBe(250);
    expect(scrollToShow(200, 250, 120, 400)).toBe(120);
  });

  it("keeps a row clear of a sticky header", () => {
    expect(scrollToShow(130, 180, 120, 400, 30)).toBe(100);
  });
});
