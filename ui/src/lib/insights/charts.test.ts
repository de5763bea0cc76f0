import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it } from "vitest";
import { npsMonth } from "../../test/insights";
import BarChart from "./BarChart.svelte";
import CohortTable from "./CohortTable.svelte";
import MetricCard from "./MetricCard.svelte";
import NpsChart from "./NpsChart.svelte";
import { pipelinePanels } from "./series";

let app: Record<string, unknown> | undefined;

afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = "";
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function render(component: any, props: Record<string, unknown>) {
  app = mount(component, { target: document.body, props });
  flushSync();
}

const rows = (selector: string) =>
  [...document.querySelectorAll(`${selector} tbody tr`)].map((tr) =>
    [...tr.children].map((c) => c.textContent?.trim()),
  );

describe("MetricCard", () => {
  it("shows — and the reason when there is no value", () => {
    render(MetricCard, { label: "Win rate", values: [], empty: "No deals closed.", note: "x" });
    expect(document.querySelector(".number")?.textContent).toBe("—");
    expect(document.body.textContent).toContain("No deals closed.");
    expect(document.body.textContent).not.toContain("x");
  });

  it("shows one line per value with its note", () => {
    render(MetricCard, { label: "CLV", values: ["€1.00", "$2.00"], empty: "none", note: "avg" });
    const numbers = [...document.querySelectorAll(".number")].map((n) => n.textContent);
    expect(numbers).toEqual(["€1.00", "$2.00"]);
    expect(document.body.textContent).toContain("avg");
    expect(document.body.textContent).not.toContain("none");
  });
});

describe("BarChart", () => {
  const [eur] = pipelinePanels([
    { stage: "Lead", deals: 2, value: [{ minor: 20_000, currency: "EUR" }] },
    { stage: "Qualified", deals: 0, value: [] },
    { stage: "Proposal", deals: 1, value: [{ minor: 5_000, currency: "EUR" }] },
  ]);

  it("scales bars to the largest value and lists every number in its text alternative", () => {
    render(BarChart, {
      title: "Pipeline, EUR",
      labelHeader: "Stage",
      valueHeader: "Value (EUR)",
      bars: eur!.bars,
      colour: "var(--chart-1)",
    });
    const heights = [...document.querySelectorAll("rect")].map((r) =>
      Number(r.getAttribute("height")),
    );
    expect(heights[1]).toBe(0);
    expect(heights[0]! / heights[2]!).toBeCloseTo(4);
    expect(document.querySelector("figcaption")?.textContent).toBe("Pipeline, EUR");
    expect(document.querySelector("caption")?.textContent).toBe("Pipeline, EUR");
    expect(rows("table")).toEqual([
      ["Lead", "€200.00"],
      ["Qualified", "€0.00"],
      ["Proposal", "€50.00"],
    ]);
    expect(document.querySelector("svg")?.getAttribute("aria-hidden")).toBe("true");
  });
});

describe("NpsChart", () => {
  it("breaks the line at months without responses and says so in the table", () => {
    render(NpsChart, {
      months: [
        npsMonth("2025-12", 20, 4),
        npsMonth("2026-01", 40, 2),
        npsMonth("2026-02", null),
        npsMonth("2026-03", -50, 2),
        npsMonth("2026-04", -13, 8),
      ],
    });
    // Two runs (Dec–Jan, Mar–Apr), four points; nothing drawn for February.
    expect(document.querySelectorAll("path.line")).toHaveLength(2);
    expect(document.querySelectorAll("circle")).toHaveLength(4);
    const table = rows("table").map((r) => r.slice(0, 3));
    expect(table).toEqual([
      ["Dec 2025", "+20", "4"],
      ["Jan 2026", "+40", "2"],
      ["Feb 2026", "— (no responses)", "0"],
      ["Mar 2026", "−50", "2"],
      ["Apr 2026", "−13", "8"],
    ]);
  });

  it("puts +100, 0 and −100 at the top, middle and bottom of the plot", () => {
    render(NpsChart, { months: [npsMonth("2026-01", 100, 1), npsMonth("2026-02", -100, 1)] });
    const cy = [...document.querySelectorAll("circle")].map((c) => Number(c.getAttribute("cy")));
    const zero = document.querySelector("line.zero");
    const mid = Number(zero?.getAttribute("y1"));
    expect(mid - cy[0]!).toBeCloseTo(cy[1]! - mid);
    expect(cy[0]!).toBeLessThan(mid);
  });
});

describe("CohortTable", () => {
  it("shows each cohort's shares as percentages, shaded by share, blank for months to come", () => {
    render(CohortTable, {
      cohorts: [
        { month: "2026-03", customers: 4, retained: [0.5, 0.25, 0] },
        { month: "2026-06", customers: 1, retained: [] },
      ],
    });
    const table = rows("table");
    expect(table[0]!.slice(0, 5)).toEqual(["Mar 2026", "4", "50%", "25%", "0%"]);
    expect(table[0]!.slice(5)).toEqual(["not yet", "not yet", "not yet"]);
    expect(table[1]).toEqual(["Jun 2026", "1", ...Array(6).fill("not yet")]);
    const opacity = [...document.querySelectorAll<HTMLElement>(".heat")].map((h) =>
      Number(h.style.opacity),
    );
    expect(opacity[0]).toBeGreaterThan(opacity[1]!);
    expect(opacity[2]).toBe(0);
  });

  it("explains an empty table", () => {
    render(CohortTable, { cohorts: [] });
    expect(document.querySelector("table")).toBeNull();
    expect(document.body.textContent).toContain("No purchases yet");
  });
});
