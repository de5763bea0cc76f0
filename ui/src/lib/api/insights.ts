// Insights over a recent period, and the series behind the Insights charts.
import { call } from "../api";
import type { InsightCharts } from "../bindings/InsightCharts";
import type { Insights } from "../bindings/Insights";

/** Insights over the `days` days up to now (1–3650). */
export function insights(days: number): Promise<Insights> {
  return call("insights", { days });
}

export function insightCharts(): Promise<InsightCharts> {
  return call("insight_charts");
}
