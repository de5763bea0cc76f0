import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backend, invokeMock } from "../test/backend";
import { chartsFixture, emptyInsights, insightsFixture } from "../test/insights";
import type { InsightCharts } from "../lib/bindings/InsightCharts";
import type { Insights as InsightsData } from "../lib/bindings/Insights";
import Insights from "./Insights.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

let app: Record<string, unknown> | undefined;

beforeEach(() => {
  invokeMock.mockReset();
});
afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = "";
});

async function settle() {
  for (let n = 0; n < 5; n++) await new Promise((r) => setTimeout(r, 0));
  flushSync();
}

async function render(insights: InsightsData, charts: InsightCharts = chartsFixture()) {
  backend({ insights: () => insights, insight_charts: () => charts });
  app = mount(Insights, { target: document.body, props: { onLocked: () => {} } });
  await settle();
}

const text = (testid: string) =>
  document.querySelector(`[data-testid="${testid}"]`)?.textContent?.replace(/\s+/g, " ") ?? "";

describe("Insights headline cards", () => {
  it("shows each metric's number", async () => {
    await render(insightsFixture());
    expect(text("metric-win-rate")).toContain("75%");
    expect(text("metric-win-rate")).toContain("3 won, 1 lost");
    expect(text("metric-cycle")).toContain("36.7 days");
    expect(text("metric-retention")).toContain("50%");
    expect(text("metric-repeat")).toContain("25%");
    expect(text("metric-nps")).toContain("+40");
    expect(text("metric-nps")).toContain("from 5 responses");
    expect(text("metric-resolution")).toContain("18 hours");
    expect(text("metric-open-complaints")).toContain("2");
  });

  it("shows every currency on its own and never a sum across currencies", async () => {
    await render(insightsFixture());
    const pipeline = [...document.querySelectorAll('[data-testid="metric-pipeline"] .number')];
    expect(pipeline.map((n) => n.textContent)).toEqual(["€3,000.00", "$500.00"]);
    expect(text("metric-weighted")).toContain("€1,100.00");
    expect(text("metric-weighted")).toContain("$375.00");
    expect(text("metric-clv")).toContain("€101.25");
    expect(text("metric-clv")).toContain("$20.00");
    // 3,000 + 500 in any currency would be a sum across currencies.
    expect(document.body.textContent).not.toContain("3,500");
  });

  it("shows — with the reason when a metric can't be measured", async () => {
    await render(emptyInsights(), chartsFixture({ pipeline_by_stage: [], forecast: [] }));
    for (const [id, why] of [
      ["metric-pipeline", "No open deals."],
      ["metric-win-rate", "No deals closed in the last 90 days."],
      ["metric-cycle", "No deals won in the last 90 days."],
      ["metric-clv", "No purchases with an amount yet."],
      ["metric-retention", "Nobody bought in the 90 days before this period."],
      ["metric-repeat", "No purchases in the last 90 days."],
      ["metric-nps", "No feedback scores in the last 90 days."],
      ["metric-resolution", "No complaints resolved in the last 90 days."],
    ] as const) {
      expect(text(id), id).toContain("—");
      expect(text(id), id).toContain(why);
    }
    expect(text("metric-open-complaints")).toContain("0");
    expect(text("pipeline-chart-empty")).toBe("No open deals in any stage.");
  });
});

describe("Insights charts and lists", () => {
  it("draws the pipeline and forecast once per currency", async () => {
    await render(insightsFixture());
    const eur = text("pipeline-chart-EUR");
    expect(eur).toContain("Open pipeline by stage, EUR");
    expect(eur).toContain("€150.50");
    expect(eur).not.toContain("$");
    expect(text("pipeline-chart-USD")).toContain("$20.00");
    expect(text("pipeline-chart-JPY")).toContain("¥1,000");
    expect(text("forecast-chart-EUR")).toContain("Dec 2026");
    expect(text("forecast-chart-EUR")).toContain("€1,100.00 (2 deals)");
    expect(text("forecast-chart-USD")).toContain("No close date");
  });

  it("says which stages use the team's history and which the defaults", async () => {
    await render(insightsFixture());
    expect(text("forecast-source")).toBe(
      "The forecast weighs Lead by your own win rate, and Proposal by the stage default (too few closed deals yet).",
    );
    expect(document.body.textContent).toContain(
      "Lead: 40%, your history (4 of 10 closed deals won)",
    );
  });

  it("lists who is slipping away, with the reason", async () => {
    await render(insightsFixture());
    expect(text("slipping")).toContain("Erin Example");
    expect(text("slipping")).toContain("usually buys every 10 days; nothing for 102 days");
  });

  it("reloads the metrics for another period", async () => {
    backend({
      insights: ({ days }) => (days === 365 ? emptyInsights() : insightsFixture()),
      insight_charts: () => chartsFixture(),
    });
    app = mount(Insights, { target: document.body, props: { onLocked: () => {} } });
    await settle();
    expect(text("metric-win-rate")).toContain("75%");
    const radio = document.querySelector<HTMLInputElement>('[data-testid="period-365"]');
    radio?.click();
    await settle();
    const days = invokeMock.mock.calls.filter(([c]) => c === "insights").map(([, a]) => a);
    expect(days).toEqual([{ days: 90 }, { days: 365 }]);
    expect(text("metric-win-rate")).toContain("No deals closed in the last 12 months.");
  });
});
