// Formatting for the Insights view. Amounts arrive as integer minor units per currency;
// they are shown per currency and never added across currencies.
import type { Money } from "../bindings/Money";

const LOCALE = "en-US";
const formatters = new Map<string, Intl.NumberFormat | null>();

/** A currency formatter, or null when the code isn't one Intl knows. */
function currencyFormat(currency: string, compact: boolean): Intl.NumberFormat | null {
  const key = `${currency}:${compact}`;
  if (!formatters.has(key)) {
    let f: Intl.NumberFormat | null = null;
    try {
      f = new Intl.NumberFormat(LOCALE, {
        style: "currency",
        currency,
        ...(compact ? { notation: "compact", maximumFractionDigits: 1 } : {}),
      });
    } catch {
      f = null;
    }
    formatters.set(key, f);
  }
  return formatters.get(key) ?? null;
}

/** The currency's minor-unit digits (2 for EUR, 0 for JPY, 3 for KWD). */
export function currencyDigits(currency: string): number {
  return currencyFormat(currency, false)?.resolvedOptions().maximumFractionDigits ?? 2;
}

/** The amount in major units (euros, not cents). */
export function majorUnits(m: Money): number {
  return m.minor / 10 ** currencyDigits(m.currency);
}

/** "€1,234.50"; unknown codes fall back to "1234.50 XYZ". */
export function formatMoney(m: Money, compact = false): string {
  const f = currencyFormat(m.currency, compact);
  const major = majorUnits(m);
  return f ? f.format(major) : `${major.toFixed(currencyDigits(m.currency))} ${m.currency}`;
}

/** "42%" for a share from 0 to 1, or "—". */
export function formatShare(share: number | null): string {
  return share === null ? "—" : `${Math.round(share * 100)}%`;
}

const oneDecimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });

export function formatDays(days: number | null): string {
  if (days === null) return "—";
  return `${oneDecimal.format(days)} ${days === 1 ? "day" : "days"}`;
}

/** Hours, or days once it's more than two days. */
export function formatDuration(hours: number | null): string {
  if (hours === null) return "—";
  if (hours > 48) return formatDays(hours / 24);
  return `${oneDecimal.format(hours)} ${hours === 1 ? "hour" : "hours"}`;
}

/** "+40" / "−13" / "0": NPS reads as a signed score. */
export function formatNps(nps: number | null): string {
  if (nps === null) return "—";
  if (nps > 0) return `+${nps}`;
  return nps < 0 ? `−${Math.abs(nps)}` : "0";
}

const monthLong = new Intl.DateTimeFormat(LOCALE, {
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});
const monthShort = new Intl.DateTimeFormat(LOCALE, { month: "short", timeZone: "UTC" });

function monthDate(month: string): Date | null {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)) : null;
}

/** "2026-03" → "Mar 2026"; the forecast's "unscheduled" → "No close date". */
export function monthLabel(month: string): string {
  if (month === "unscheduled") return "No close date";
  const d = monthDate(month);
  return d ? monthLong.format(d) : month;
}

/** "2026-03" → "Mar" (axis labels; January also shows its year). */
export function monthTick(month: string): string {
  if (month === "unscheduled") return "No date";
  const d = monthDate(month);
  if (!d) return month;
  return d.getUTCMonth() === 0 ? monthLong.format(d) : monthShort.format(d);
}

/** A chart colour per series (see the "charts" variables in app.css). */
export function seriesColour(index: number): string {
  return `var(--chart-${(index % 4) + 1})`;
}
