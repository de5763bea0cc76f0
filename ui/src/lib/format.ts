// Formatters are made once and only when first used: building one is slow in WebKit (it
// loads locale data), and the list's first rows are on the start-up path (DESIGN §7).
function once<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

const numberFormat = once(() => new Intl.NumberFormat("en-US"));
const relativeFormat = once(() => new Intl.RelativeTimeFormat("en", { numeric: "auto" }));
const absoluteFormat = once(
  () => new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }),
);

/** "1 customer", "1,234 customers". */
export function countLabel(n: number, singular: string, plural = `${singular}s`): string {
  return `${numberFormat().format(n)} ${n === 1 ? singular : plural}`;
}

export function formatNumber(n: number): string {
  return numberFormat().format(n);
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
  if (abs < HOUR) return relativeFormat().format(Math.round(seconds / MINUTE), "minute");
  if (abs < DAY) return relativeFormat().format(Math.round(seconds / HOUR), "hour");
  const days = Math.round(seconds / DAY);
  if (Math.abs(days) < 30) return relativeFormat().format(days, "day");
  if (Math.abs(days) < 365) return relativeFormat().format(Math.round(days / 30.44), "month");
  return relativeFormat().format(Math.round(days / 365.25), "year");
}

/** Full local date and time, for tooltips next to relative times. */
export function absoluteTime(iso: string | null): string | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return undefined;
  return absoluteFormat().format(new Date(t));
}

const DAY_MS = 24 * 60 * 60 * 1000;

const moneyFormats = new Map<string, Intl.NumberFormat | null>();
const plainAmount = once(
  () => new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
);

/** The currency's formatter (made once per currency), or null for a code Intl doesn't know. */
function moneyFormat(currency: string): Intl.NumberFormat | null {
  let format = moneyFormats.get(currency);
  if (format === undefined) {
    try {
      format = new Intl.NumberFormat("en-US", { style: "currency", currency });
    } catch {
      format = null;
    }
    moneyFormats.set(currency, format);
  }
  return format;
}

/** Digits after the decimal point in `currency`'s minor unit (2 for EUR, 0 for JPY). */
export function currencyDigits(currency: string): number {
  return moneyFormat(currency)?.resolvedOptions().maximumFractionDigits ?? 2;
}

/** "€12,000.50", "¥1,200", or "12,000.50 XYZ" for a code Intl doesn't know. */
export function formatMoney(money: { minor: number; currency: string }): string {
  const format = moneyFormat(money.currency);
  const amount = money.minor / 10 ** currencyDigits(money.currency);
  return format ? format.format(amount) : `${plainAmount().format(amount)} ${money.currency}`;
}

/**
 * "12.50" in EUR -> 1250 (minor units); null when it isn't a non-negative amount with at
 * most the currency's number of decimals.
 */
export function parseAmount(text: string, currency: string): number | null {
  const t = text.trim().replace(/,/g, "");
  const digits = currencyDigits(currency);
  const pattern =
    digits === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{1,${digits}})?$|^\\.\\d{1,${digits}}$`);
  if (!pattern.test(t)) return null;
  const [whole = "0", frac = ""] = t.split(".");
  const minor = Number(whole || "0") * 10 ** digits + Number(frac.padEnd(digits, "0") || "0");
  return Number.isSafeInteger(minor) ? minor : null;
}

const dayMonth = once(
  () =>
    new Intl.DateTimeFormat("en-GB", {
      day: "numeric",
      month: "long",
      timeZone: "UTC",
    }),
);

/** A personal date: "--03-12" -> "12 March", "1990-03-12" -> "12 March 1990". */
export function personalDate(text: string | null): string {
  if (!text) return "";
  const m = /^(\d{4}|-)-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return text;
  const [, year, month, day] = m;
  // 2000 is a leap year, so 29 February is a real date.
  const d = new Date(Date.UTC(2000, Number(month) - 1, Number(day)));
  if (Number.isNaN(d.getTime())) return text;
  const label = dayMonth().format(d);
  return year === "-" ? label : `${label} ${year}`;
}

const weekdayDayMonth = once(
  () =>
    new Intl.DateTimeFormat("en-GB", {
      weekday: "short",
      day: "numeric",
      month: "long",
      timeZone: "UTC",
    }),
);

/** An upcoming calendar day: "2026-03-12" -> "Thu 12 March"; a date without a year as personalDate. */
export function upcomingDay(text: string | null): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text ?? "");
  if (!m) return personalDate(text);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return Number.isNaN(d.getTime()) ? (text ?? "") : weekdayDayMonth().format(d);
}

/** The local calendar day `days` after `now`, at `hour`:00 local time, as RFC 3339. */
export function localDayAt(now: Date, days: number, hour = 9): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days, hour, 0, 0);
  return d.toISOString();
}

/** A date input's "YYYY-MM-DD" at `hour`:00 local time, as RFC 3339; null if unreadable. */
export function dateInputToIso(value: string, hour = 9): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), hour, 0, 0);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** "YYYY-MM-DD" of the local day `days` after `now`, for date inputs. */
export function dateInputValue(now: Date, days = 0): string {
  const d = new Date(now.getTime() + days * DAY_MS);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const shortDate = once(() => new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }));

/** A local date for an RFC 3339 instant ("12 Mar 2026"), or "" when unreadable. */
export function shortDateOf(iso: string | null): string {
  if (!iso) return "";
  const t = Date.parse(iso);
  return Number.isNaN(t) ? "" : shortDate().format(new Date(t));
}

const dayMonthShort = once(
  () => new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short" }),
);
const dayMonthYearShort = once(
  () => new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric" }),
);
const clockTime = once(
  () => new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }),
);

/**
 * A local day and time for an RFC 3339 instant: "3 Nov 14:05", with the year when it is not
 * `now`'s ("3 Nov 2025 14:05"); "" when unreadable. (Intl alone puts a comma in between.)
 */
export function dayAndTime(iso: string | null, now: Date = new Date()): string {
  if (!iso) return "";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "";
  const d = new Date(t);
  const day = d.getFullYear() === now.getFullYear() ? dayMonthShort() : dayMonthYearShort();
  return `${day.format(d)} ${clockTime().format(d)}`;
}
