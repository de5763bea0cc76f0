// Test helpers for the deal board.
import type { Deal } from "../lib/bindings/Deal";
import type { Pipeline } from "../lib/bindings/Pipeline";
import type { StageTotal } from "../lib/bindings/StageTotal";

export function deal(overrides: Partial<Deal> = {}): Deal {
  return {
    id: "d1",
    customer_id: "c1",
    customer_name: "Ada Lovelace",
    title: "Espresso machine",
    value: { minor: 120000, currency: "EUR" },
    stage: "Lead",
    status: "open",
    expected_close: null,
    closed_at: null,
    lost_reason: null,
    created_at: "2026-01-10T09:00:00Z",
    ...overrides,
  };
}

export const STAGES = ["Lead", "Qualified", "Proposal"];

/** Totals computed the way the backend does: per stage, per currency, sorted by currency. */
export function totalsOf(stages: string[], deals: Deal[]): StageTotal[] {
  return stages.map((stage) => {
    const mine = deals.filter((d) => d.stage === stage);
    const sums = new Map<string, number>();
    for (const d of mine)
      sums.set(d.value.currency, (sums.get(d.value.currency) ?? 0) + d.value.minor);
    const value = [...sums.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([currency, minor]) => ({ currency, minor }));
    return { stage, deals: mine.length, value };
  });
}

export function board(deals: Deal[], stages: string[] = STAGES): Pipeline {
  return {
    stages: stages.map((name, i) => ({
      id: `s${i}`,
      name,
      position: i,
      probability: 10 * (i + 1),
    })),
    deals,
    totals: totalsOf(stages, deals),
  };
}
