import { beforeEach, describe, expect, it, vi } from "vitest";
import { backend, invokeMock } from "../../test/backend";
import { chartsFixture, insightsFixture } from "../../test/insights";
import { DEFAULT_PERIOD, InsightsState } from "./insights.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

beforeEach(() => {
  invokeMock.mockReset();
});

const calls = (cmd: string) => invokeMock.mock.calls.filter(([c]) => c === cmd);

describe("InsightsState", () => {
  it("loads the period's metrics and the charts", async () => {
    const insights = insightsFixture();
    const charts = chartsFixture();
    backend({ insights: () => insights, insight_charts: () => charts });
    const s = new InsightsState();

    await s.load();

    expect(calls("insights")).toEqual([["insights", { days: DEFAULT_PERIOD }]]);
    expect(calls("insight_charts")).toHaveLength(1);
    expect(s.insights).toBe(insights);
    expect(s.charts).toBe(charts);
    expect(s.loading).toBe(false);
    expect(s.error).toBeNull();
  });

  it("reloads only the metrics when the period changes", async () => {
    backend({
      insights: ({ days }) => insightsFixture({ deals_won: Number(days) }),
      insight_charts: () => chartsFixture(),
    });
    const s = new InsightsState();
    await s.load();

    await s.setPeriod(365);

    expect(s.days).toBe(365);
    expect(s.insights?.deals_won).toBe(365);
    expect(calls("insights").map(([, a]) => a)).toEqual([{ days: 90 }, { days: 365 }]);
    expect(calls("insight_charts")).toHaveLength(1);
  });

  it("keeps the newest period when an older answer arrives late", async () => {
    let release: (v: unknown) => void = () => {};
    const slow = new Promise((resolve) => (release = resolve));
    backend({
      insights: ({ days }) => (days === 30 ? slow : insightsFixture({ deals_won: 365 })),
      insight_charts: () => chartsFixture(),
    });
    const s = new InsightsState();
    await s.load();

    const first = s.setPeriod(30);
    await s.setPeriod(365);
    release(insightsFixture({ deals_won: 30 }));
    await first;

    expect(s.days).toBe(365);
    expect(s.insights?.deals_won).toBe(365);
    expect(s.loading).toBe(false);
  });

  it("keeps what it had and reports the error", async () => {
    let fail = false;
    backend({
      insights: () => {
        if (fail) throw { code: "internal", message: "disk on fire" };
        return insightsFixture();
      },
      insight_charts: () => chartsFixture(),
    });
    const s = new InsightsState();
    await s.load();
    fail = true;

    await s.setPeriod(30);

    expect(s.error?.message).toBe("disk on fire");
    expect(s.insights).not.toBeNull();
    expect(s.loading).toBe(false);
  });

  it("asks the app to re-check when the store is locked", async () => {
    backend({
      insights: () => {
        throw { code: "locked", message: "The store is locked." };
      },
      insight_charts: () => chartsFixture(),
    });
    const onLocked = vi.fn();
    const s = new InsightsState({ onLocked });

    await s.load();

    expect(s.error?.code).toBe("locked");
    expect(onLocked).toHaveBeenCalledOnce();
  });
});
