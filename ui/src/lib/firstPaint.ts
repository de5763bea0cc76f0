// The desktop benchmark's first-paint marker (tools/bench-desktop, `make bench-desktop`).
import { call } from "./api";

let marked = false;

/**
 * Reports, once per process, that the customer list's first rows are on screen. Call it
 * after they render: two animation frames later they have been painted. The backend only
 * records this when the benchmark asks it to (RAPPORT_BENCH_MARK); otherwise it's a no-op.
 */
export function markFirstPaint(): void {
  if (marked) return;
  marked = true;
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      // Never the user's problem: a failed mark only spoils a benchmark run.
      call("bench_mark_painted").catch(() => {});
    }),
  );
}
