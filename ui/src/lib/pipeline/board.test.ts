import { describe, expect, it } from "vitest";
import { board, deal, STAGES, totalsOf } from "../../test/deals";
import { moveDealTo, neighbourStage, withDeal, withoutDeal } from "./board";

const DEALS = [
  deal({ id: "a", stage: "Lead", value: { minor: 1000, currency: "EUR" } }),
  deal({ id: "b", stage: "Lead", value: { minor: 500, currency: "USD" } }),
  deal({ id: "c", stage: "Qualified", value: { minor: 200, currency: "EUR" } }),
];

describe("board updates keep totals per currency", () => {
  it("moving a deal moves its value between the stages' totals", () => {
    const p = moveDealTo(board(DEALS), "b", "Qualified");
    expect(p.deals.find((d) => d.id === "b")?.stage).toBe("Qualified");
    expect(p.totals).toEqual(totalsOf(STAGES, p.deals));
    expect(p.totals[0]).toEqual({
      stage: "Lead",
      deals: 1,
      value: [{ currency: "EUR", minor: 1000 }],
    });
    expect(p.totals[1]?.value).toEqual([
      { currency: "EUR", minor: 200 },
      { currency: "USD", minor: 500 },
    ]);
  });

  it("moving there and back restores the original totals", () => {
    const start = board(DEALS);
    const back = moveDealTo(moveDealTo(start, "a", "Proposal"), "a", "Lead");
    expect(back.totals).toEqual(start.totals);
  });

  it("keeps a zero-value currency while a deal in it remains", () => {
    const free = deal({ id: "z", stage: "Lead", value: { minor: 0, currency: "GBP" } });
    const p = moveDealTo(board([...DEALS, free]), "a", "Proposal");
    expect(p.totals[0]?.value.map((m) => m.currency)).toEqual(["GBP", "USD"]);
  });

  it("ignores unknown deals and stages", () => {
    const start = board(DEALS);
    expect(moveDealTo(start, "nope", "Lead")).toBe(start);
    expect(moveDealTo(start, "a", "Nowhere")).toBe(start);
  });

  it("removing and adding deals update the totals", () => {
    const removed = withoutDeal(board(DEALS), "a");
    expect(removed.totals).toEqual(totalsOf(STAGES, removed.deals));
    const added = withDeal(removed, deal({ id: "n", stage: "Proposal" }));
    expect(added.deals[0]?.id).toBe("n");
    expect(added.totals).toEqual(totalsOf(STAGES, added.deals));
  });

  it("finds neighbouring stages, none past either end", () => {
    const p = board(DEALS);
    expect(neighbourStage(p, "Lead", 1)).toBe("Qualified");
    expect(neighbourStage(p, "Lead", -1)).toBeNull();
    expect(neighbourStage(p, "Proposal", 1)).toBeNull();
  });
});
