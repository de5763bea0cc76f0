// The day/month question: an example from the file and what it means read each way.
import type { MappedColumn } from "../bindings/MappedColumn";

const NUMERIC_DATE = /^\s*(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2}|\d{4}))?\s*$/;

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

export interface DateReadings {
  example: string;
  /** Day first: "3 April 1990". */
  dmy: string;
  /** Month first: "4 March 1990". */
  mdy: string;
}

function day(d: number, m: number, year: string | undefined): string | null {
  if (m < 1 || m > 12 || d < 1 || d > 31) return null;
  return year ? `${d} ${MONTHS[m - 1]} ${year}` : `${d} ${MONTHS[m - 1]}`;
}

/** Both readings of a numeric date like "03/04/1990"; null unless both are real days. */
export function readings(sample: string): DateReadings | null {
  const m = NUMERIC_DATE.exec(sample);
  if (!m) return null;
  const a = Number(m[1]);
  const b = Number(m[2]);
  const dmy = day(a, b, m[3]);
  const mdy = day(b, a, m[3]);
  if (!dmy || !mdy || a === b) return null;
  return { example: sample.trim(), dmy, mdy };
}

/**
 * An example of an ambiguous date from the file: a sample of the birthday column first,
 * then of any other column holding one.
 */
export function dateExample(columns: readonly MappedColumn[]): DateReadings | null {
  const ordered = [
    ...columns.filter((c) => c.field === "birthday"),
    ...columns.filter((c) => c.field !== "birthday"),
  ];
  for (const c of ordered) {
    const r = c.sample ? readings(c.sample) : null;
    if (r) return r;
  }
  return null;
}
