import { countLabel, formatNumber } from "../format";

/**
 * The list's count line: the store's customers, or with a search or filter "12 of 500
 * customers" — "1,000+ of …" when the search stopped counting (`lowerBound`).
 */
export function listCountText(
  filtered: boolean,
  total: number,
  lowerBound: boolean,
  storeTotal: number,
): string {
  const all = countLabel(storeTotal, "customer");
  if (!filtered) return all;
  return `${formatNumber(total)}${lowerBound ? "+" : ""} of ${all}`;
}
