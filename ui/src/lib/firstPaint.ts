// The desktop benchmark's first-paint marker (tools/bench-desktop, `make bench-desktop`).
import { call } from "./api";

let marked = false;
/** Start-up phases as [name, Unix milliseconds], sent with the paint mark. */
const phases: [string, number][] = [];
const MAX_PHASES = 32;

/**
 * Notes when a start-up phase happened ("status-asked", "list-arrived"…), so a benchmark run
 * can say where the time went. Costs an array push; nothing is sent until the paint mark.
 */
export function phase(name: string): void {
  if (marked || phases.length >= MAX_PHASES) return;
  phases.push([name, performance.timeOrigin + performance.now()]);
}

/**
 * Reports, once per process, that the customer list's first rows are on screen. Call it
 * after they render: two animation frames later they have been painted. The backend only
 * records this when the benchmark asks it to (RAPPORT_BENCH_MARK); otherwise it's a no-op.
 */
export function markFirstPaint(): void {
  if (marked) return;
  phase("rendered");
  marked = true;
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      phases.push(["painted", performance.timeOrigin + performance.now()]);
      // Never the user's problem: a failed mark only spoils a benchmark run.
      call("bench_mark_painted", { phases }).catch(() => {});
    }),
  );
}
