import { currencyDigits, formatMoney } from "../format";

// One implementation of money formatting (lib/format.ts); the pipeline's names for it.
export { formatMoney };
export const minorDigits = currencyDigits;

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
