// Turns the backend's chart data into what the chart components draw: one panel per
// currency (amounts in different currencies are never added or put on one scale).
import type { ForecastMonth } from "../bindings/ForecastMonth";
import type { Money } from "../bindings/Money";
import type { StageProbability } from "../bindings/StageProbability";
import type { StageTotal } from "../bindings/StageTotal";
import { countLabel } from "../format";
import { formatMoney, majorUnits, monthLabel, monthTick } from "./format";

export interface Bar {
  label: string;
  /** Tick under the bar (at most a few characters wider than the bar). */
  tick: string;
  value: number;
  /** The value in full ("€1,250.00"). */
  text: string;
  /** The value, short, above the bar ("€1.3K"). */
  short: string;
}

export interface Panel {
  currency: string;
  bars: Bar[];
}

const TICK_CHARS = 11;

function tick(label: string): string {
  return label.length > TICK_CHARS ? `${label.slice(0, TICK_CHARS - 1)}…` : label;
}

function bar(label: string, tickText: string, m: Money): Bar {
  return {
    label,
    tick: tick(tickText),
    value: majorUnits(m),
    text: formatMoney(m),
    short: formatMoney(m, true),
  };
}

/** One panel per currency; every stage appears in every panel (zero when it has none). */
export function pipelinePanels(stages: StageTotal[]): Panel[] {
  const currencies = [...new Set(stages.flatMap((s) => s.value.map((m) => m.currency)))].sort();
  return currencies.map((currency) => ({
    currency,
    bars: stages.map((s) => {
      const m = s.value.find((v) => v.currency === currency) ?? { minor: 0, currency };
      return bar(s.stage, s.stage, m);
    }),
  }));
}

/** One panel per currency, months in the backend's order ("unscheduled" last). */
export function forecastPanels(months: ForecastMonth[]): Panel[] {
  const currencies = [...new Set(months.map((f) => f.weighted.currency))].sort();
  return currencies.map((currency) => ({
    currency,
    bars: months
      .filter((f) => f.weighted.currency === currency)
      .map((f) => {
        const b = bar(monthLabel(f.month), monthTick(f.month), f.weighted);
        return { ...b, text: `${b.text} (${countLabel(f.deals, "deal")})` };
      }),
  }));
}

/** What the forecast's weights came from, in a sentence. */
export function forecastSource(stages: StageProbability[]): string {
  const own = stages.filter((s) => s.source === "history").map((s) => s.stage);
  const defaults = stages.filter((s) => s.source === "default").map((s) => s.stage);
  if (defaults.length === 0) return "The forecast weighs every stage by your own win rate.";
  if (own.length === 0)
    return "The forecast uses each stage's default probability: no stage has enough closed deals yet to use your own win rate.";
  return `The forecast weighs ${list(own)} by your own win rate, and ${list(defaults)} by the stage default (too few closed deals yet).`;
}

/** One line per stage: the probability used and where it came from. */
export function stageSourceLine(s: StageProbability): string {
  const pct = `${Math.round(s.probability * 100)}%`;
  return s.source === "history"
    ? `${s.stage}: ${pct}, your history (${s.won_deals} of ${countLabel(s.closed_deals, "closed deal")} won)`
    : `${s.stage}: ${pct}, stage default (${countLabel(s.closed_deals, "closed deal")} so far)`;
}

function list(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
