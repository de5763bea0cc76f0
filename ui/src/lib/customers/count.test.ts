import { describe, expect, it } from "vitest";
import { listCountText } from "./count";

describe("listCountText", () => {
  it("counts the store when nothing narrows the list", () => {
    expect(listCountText(false, 100_000, false, 100_000)).toBe("100,000 customers");
    expect(listCountText(false, 1, false, 1)).toBe("1 customer");
  });

  it("shows matches of the store, with a + when the search stopped counting", () => {
    expect(listCountText(true, 94, false, 100_000)).toBe("94 of 100,000 customers");
    expect(listCountText(true, 1_000, true, 100_000)).toBe("1,000+ of 100,000 customers");
    expect(listCountText(true, 0, false, 3)).toBe("0 of 3 customers");
  });
});
