import { RapportError, toRapportError } from "../api";
import * as api from "../api/insights";
import type { InsightCharts } from "../bindings/InsightCharts";
import type { Insights } from "../bindings/Insights";

/** The periods the view offers, in days. */
export const PERIODS = [30, 90, 365] as const;
export type Period = (typeof PERIODS)[number];
export const DEFAULT_PERIOD: Period = 90;

export interface InsightsOptions {
  /** Called when the backend says the store is locked, so the app can re-route. */
  onLocked?: () => void;
  days?: Period;
}

/** The Insights view: the period's metrics and the (period-independent) chart series. */
export class InsightsState {
  days = $state<Period>(DEFAULT_PERIOD);
  insights = $state.raw<Insights | null>(null);
  charts = $state.raw<InsightCharts | null>(null);
  loading = $state(false);
  error = $state<RapportError | null>(null);

  #onLocked: (() => void) | undefined;
  #seq = 0;

  constructor(options: InsightsOptions = {}) {
    this.#onLocked = options.onLocked;
    if (options.days) this.days = options.days;
  }

  /** Loads the metrics and the charts. Never throws; failures land in `error`. */
  async load(): Promise<void> {
    await this.#run(async (days) => {
      const [insights, charts] = await Promise.all([api.insights(days), api.insightCharts()]);
      return () => {
        this.insights = insights;
        this.charts = charts;
      };
    });
  }

  /** Switches the period and reloads its metrics (the charts don't depend on it). */
  async setPeriod(days: Period): Promise<void> {
    if (days === this.days && this.insights) return;
    this.days = days;
    if (!this.charts) return this.load(); // the first load never finished: redo all of it
    await this.#run(async (d) => {
      const insights = await api.insights(d);
      return () => (this.insights = insights);
    });
  }

  /** Cancels any response still in flight; call when the view goes away. */
  dispose(): void {
    this.#seq++;
  }

  async #run(work: (days: Period) => Promise<() => void>): Promise<void> {
    const seq = ++this.#seq;
    this.loading = true;
    try {
      const apply = await work(this.days);
      if (seq !== this.#seq) return; // a newer request has started
      apply();
      this.error = null;
    } catch (e) {
      if (seq !== this.#seq) return;
      const err = toRapportError(e);
      this.error = err;
      if (err.code === "locked") this.#onLocked?.();
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }
}
