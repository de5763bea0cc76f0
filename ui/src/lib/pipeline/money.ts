import type { Money } from "../bindings/Money";

const formats = new Map<string, Intl.NumberFormat | null>();

function currencyFormat(currency: string): Intl.NumberFormat | null {
  let format = formats.get(currency);
  if (format === undefined) {
    try {
      format = new Intl.NumberFormat("en-US", { style: "currency", currency });
    } catch {
      format = null; // not a currency Intl knows
    }
    formats.set(currency, format);
  }
  return format;
}

/** Digits after the decimal point in the currency's minor unit (2 for EUR, 0 for JPY). */
export function minorDigits(currency: string): number {
  return currencyFormat(currency)?.resolvedOptions().maximumFractionDigits ?? 2;
}

/** "€12,000.50", "¥1,200"; an unknown code reads "12,000.50 XYZ". */
export function formatMoney(money: Money): string {
  const format = currencyFormat(money.currency);
  const amount = money.minor / 10 ** minorDigits(money.currency);
  if (format) return format.format(amount);
  return `${amount.toLocaleString("en-US", { minimumFractionDigits: 2 })} ${money.currency}`;
}

/**
 * "12,000.50" -> minor units in the currency (1200050 for EUR). Commas and spaces group
 * thousands; null when it isn't a non-negative amount with at most the currency's decimals.
 */
export function parseAmount(text: string, currency: string): number | null {
  const cleaned = text.trim().replace(/[,\s]/g, "");
  const digits = minorDigits(currency);
  const match = /^(\d+)(?:\.(\d*))?$/.exec(cleaned);
  if (!match) return null;
  const fraction = match[2] ?? "";
  if (fraction.length > digits) return null;
  const minor = Number(match[1] + fraction.padEnd(digits, "0"));
  return Number.isSafeInteger(minor) ? minor : null;
}

/** "2026-03-01" -> "Mar 1, 2026", read as a calendar day (no time-zone shift). */
export function formatDay(day: string | null): string | null {
  if (!day) return null;
  const t = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(t)) return day;
  return new Date(t).toLocaleDateString("en-US", {
    timeZone: "UTC",
    month: "short",
    day: "numeric",
    year: "numeric",
  });
}
