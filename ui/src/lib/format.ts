const numberFormat = new Intl.NumberFormat("en-US");
const relativeFormat = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "1 customer", "1,234 customers". */
export function countLabel(n: number, singular: string, plural = `${singular}s`): string {
  return `${numberFormat.format(n)} ${n === 1 ? singular : plural}`;
}

export function formatNumber(n: number): string {
  return numberFormat.format(n);
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "just now", "5 minutes ago", "yesterday", "3 days ago", "2 months ago"… for an RFC 3339
 * timestamp, or "—" when there is none (or it can't be read).
 */
export function relativeTime(iso: string | null, now: Date = new Date()): string {
  if (!iso) return "—";
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "—";
  const seconds = Math.round((then - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return "just now";
  if (abs < HOUR) return relativeFormat.format(Math.round(seconds / MINUTE), "minute");
  if (abs < DAY) return relativeFormat.format(Math.round(seconds / HOUR), "hour");
  const days = Math.round(seconds / DAY);
  if (Math.abs(days) < 30) return relativeFormat.format(days, "day");
  if (Math.abs(days) < 365) return relativeFormat.format(Math.round(days / 30.44), "month");
  return relativeFormat.format(Math.round(days / 365.25), "year");
}

/** Full local date and time, for tooltips next to relative times. */
export function absoluteTime(iso: string | null): string | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return undefined;
  return new Date(t).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
