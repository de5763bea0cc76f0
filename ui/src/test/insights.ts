// Insights fixtures for UI tests: a period with numbers in two currencies.
import type { InsightCharts } from "../lib/bindings/InsightCharts";
import type { Insights } from "../lib/bindings/Insights";
import type { NpsMonth } from "../lib/bindings/NpsMonth";

const eur = (minor: number) => ({ minor, currency: "EUR" });
const usd = (minor: number) => ({ minor, currency: "USD" });

export function insightsFixture(overrides: Partial<Insights> = {}): Insights {
  return {
    from: "2026-08-24T10:00:00Z",
    to: "2026-11-22T10:00:00Z",
    pipeline: [eur(300_000), usd(50_000)],
    weighted_pipeline: [eur(110_000), usd(37_500)],
    forecast: [],
    stage_probabilities: [
      {
        stage: "Lead",
        probability: 0.4,
        source: "history",
        default_probability: 0.1,
        closed_deals: 10,
        won_deals: 4,
      },
      {
        stage: "Proposal",
        probability: 0.5,
        source: "default",
        default_probability: 0.5,
        closed_deals: 3,
        won_deals: 1,
      },
    ],
    win_rate: 0.75,
    deals_won: 3,
    deals_lost: 1,
    average_sales_cycle_days: 110 / 3,
    customer_lifetime_value: [eur(10_125), usd(2_000)],
    retention_rate: 0.5,
    repeat_purchase_rate: 0.25,
    nps: 40,
    nps_responses: 5,
    complaint_resolution_hours: 18,
    open_complaints: 2,
    slipping: [
      {
        customer_id: "e",
        customer_name: "Erin Example",
        usual_gap_days: 10,
        days_since_last_purchase: 102,
        reason: "usually buys every 10 days; nothing for 102 days",
      },
    ],
    ...overrides,
  };
}

/** An Insights with nothing measurable: every rate null, every list empty. */
export function emptyInsights(): Insights {
  return insightsFixture({
    pipeline: [],
    weighted_pipeline: [],
    stage_probabilities: [],
    win_rate: null,
    deals_won: 0,
    deals_lost: 0,
    average_sales_cycle_days: null,
    customer_lifetime_value: [],
    retention_rate: null,
    repeat_purchase_rate: null,
    nps: null,
    nps_responses: 0,
    complaint_resolution_hours: null,
    open_complaints: 0,
    slipping: [],
  });
}

export function npsMonth(month: string, nps: number | null, responses = 0): NpsMonth {
  return { month, responses, promoters: 0, detractors: 0, nps };
}

export function chartsFixture(overrides: Partial<InsightCharts> = {}): InsightCharts {
  return {
    pipeline_by_stage: [
      { stage: "Lead", deals: 3, value: [eur(15_050), usd(2_000)] },
      { stage: "Qualified", deals: 0, value: [] },
      { stage: "Proposal", deals: 1, value: [{ minor: 1_000, currency: "JPY" }] },
    ],
    forecast: [
      { month: "2026-12", weighted: eur(110_000), deals: 2 },
      { month: "unscheduled", weighted: usd(37_500), deals: 1 },
    ],
    nps_by_month: [
      npsMonth("2025-12", 100, 1),
      npsMonth("2026-01", null),
      npsMonth("2026-02", -13, 8),
      npsMonth("2026-03", 67, 3),
    ],
    cohorts: [
      { month: "2026-09", customers: 4, retained: [0.5, 0.5] },
      { month: "2026-11", customers: 1, retained: [] },
    ],
    ...overrides,
  };
}
