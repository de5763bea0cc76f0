import { describe, expect, it } from "vitest";
import { NavState, START_VIEW } from "./nav.svelte";

describe("NavState", () => {
  it("opens customer pages on top of a view and goes back to it", () => {
    const nav = new NavState();
    expect(nav.view).toBe(START_VIEW);
    nav.go("today");
    nav.openCustomer("a");
    nav.openCustomer("b");
    expect(nav.customerId).toBe("b");
    nav.back();
    expect(nav.customerId).toBe("a");
    nav.back();
    expect(nav.customerId).toBeNull();
    expect(nav.view).toBe("today");
  });

  it("switches views by number and leaves customer pages", () => {
    const nav = new NavState();
    nav.openCustomer("a");
    expect(nav.goNumber(3)).toBe(true);
    expect(nav.view).toBe("pipeline");
    expect(nav.customerId).toBeNull();
    expect(nav.goNumber(6)).toBe(true);
    expect(nav.view).toBe("cleanup");
    expect(nav.goNumber(7)).toBe(false);
    expect(nav.view).toBe("cleanup");
  });

  it("focusSearch goes to the list and asks for the search box", () => {
    const nav = new NavState();
    nav.go("insights");
    nav.focusSearch();
    expect(nav.view).toBe("customers");
    expect(nav.searchRequested).toBe(true);
  });
});
