import type { ImportRow } from "../bindings/ImportRow";

function rank(row: ImportRow): number {
  if (row.action === "error" || row.issues.some((i) => i.severity === "error")) return 0;
  if (row.issues.length > 0) return 1;
  return 2;
}

/** Rows with errors first, then rows with warnings, then the rest; file order within each. */
export function problemsFirst(rows: readonly ImportRow[]): ImportRow[] {
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => rank(a.row) - rank(b.row) || a.i - b.i)
    .map(({ row }) => row);
}
