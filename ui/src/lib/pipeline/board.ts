// Pure updates of a Pipeline snapshot, so the board can change before the backend answers
// (and change back if it refuses). Totals stay per currency, sorted by currency, as the
// backend sends them.
import type { Deal } from "../bindings/Deal";
import type { Money } from "../bindings/Money";
import type { Pipeline } from "../bindings/Pipeline";
import type { StageTotal } from "../bindings/StageTotal";

function adjust(total: StageTotal, value: Money, sign: 1 | -1, deals: Deal[]): StageTotal {
  const values = total.value.map((m) => ({ ...m }));
  const entry = values.find((m) => m.currency === value.currency);
  if (entry) entry.minor += sign * value.minor;
  else if (sign === 1) values.push({ ...value });
  const left = values.filter(
    (m) =>
      m.minor !== 0 ||
      deals.some((d) => d.stage === total.stage && d.value.currency === m.currency),
  );
  left.sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
  return { stage: total.stage, deals: total.deals + sign, value: left };
}

function withTotals(
  p: Pipeline,
  deals: Deal[],
  changes: { stage: string; value: Money; sign: 1 | -1 }[],
): Pipeline {
  let totals = p.totals;
  for (const change of changes) {
    totals = totals.map((t) =>
      t.stage === change.stage ? adjust(t, change.value, change.sign, deals) : t,
    );
  }
  return { stages: p.stages, deals, totals };
}

/** The deal in another stage. Unknown deals or stages leave the pipeline as it is. */
export function moveDealTo(p: Pipeline, id: string, stage: string): Pipeline {
  const deal = p.deals.find((d) => d.id === id);
  if (!deal || deal.stage === stage || !p.stages.some((s) => s.name === stage)) return p;
  const deals = p.deals.map((d) => (d.id === id ? { ...d, stage } : d));
  return withTotals(p, deals, [
    { stage: deal.stage, value: deal.value, sign: -1 },
    { stage, value: deal.value, sign: 1 },
  ]);
}

/** Without the deal (it was won or lost, so it is no longer open). */
export function withoutDeal(p: Pipeline, id: string): Pipeline {
  const deal = p.deals.find((d) => d.id === id);
  if (!deal) return p;
  const deals = p.deals.filter((d) => d.id !== id);
  return withTotals(p, deals, [{ stage: deal.stage, value: deal.value, sign: -1 }]);
}

/** With a new open deal, first in its column. */
export function withDeal(p: Pipeline, deal: Deal): Pipeline {
  const base = withoutDeal(p, deal.id);
  const deals = [deal, ...base.deals];
  return withTotals(base, deals, [{ stage: deal.stage, value: deal.value, sign: 1 }]);
}

/** The backend's copy of a deal replaces ours (same stage: totals don't change). */
export function replaceDeal(p: Pipeline, deal: Deal): Pipeline {
  return { ...p, deals: p.deals.map((d) => (d.id === deal.id ? deal : d)) };
}

/** The stage before (-1) or after (+1) the given one, or null at either end. */
export function neighbourStage(p: Pipeline, stage: string, step: -1 | 1): string | null {
  const i = p.stages.findIndex((s) => s.name === stage);
  if (i < 0) return null;
  return p.stages[i + step]?.name ?? null;
}
