/** Which rows of a fixed-row-height list to render: the visible ones plus some overscan. */
export interface RowRange {
  /** First row to render (inclusive). */
  start: number;
  /** Row after the last to render (exclusive). */
  end: number;
}

export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan: number,
): RowRange {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(first, count - 1) - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end: Math.max(start, end) };
}

/**
 * The scrollTop that brings the span [top, bottom) (in scroll coordinates) fully into view,
 * or `scrollTop` if it already is. `inset` is covered at the top (a sticky header).
 */
export function scrollToShow(
  top: number,
  bottom: number,
  scrollTop: number,
  viewportHeight: number,
  inset = 0,
): number {
  if (top < scrollTop + inset) return Math.max(0, top - inset);
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}
