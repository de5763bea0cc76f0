import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backend, invokeMock, todayItem } from "../test/backend";
import { TodayState } from "../lib/state/today.svelte";
import Today from "./Today.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

let app: Record<string, unknown> | undefined;

beforeEach(() => {
  invokeMock.mockReset();
});
afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = "";
});

async function render(items: ReturnType<typeof todayItem>[], total = items.length) {
  let current = items;
  backend({
    today: () => ({ items: current, total }),
    complete_followup: () => {
      current = current.filter((i) => i.followup_id === null);
      return {};
    },
    snooze_nudge: () => null,
  });
  const onOpen = vi.fn();
  const onLog = vi.fn();
  app = mount(Today, {
    target: document.body,
    props: { state: new TodayState(), changes: 0, onOpen, onLog },
  });
  await vi.waitFor(() => {
    flushSync();
    expect(document.querySelector('[aria-busy="true"]')).toBeNull();
  });
  return { onOpen, onLog };
}

const items = () => [...document.querySelectorAll<HTMLElement>('[data-testid="today-item"]')];
const button = (root: Element, label: string) =>
  [...root.querySelectorAll("button")].find((b) => b.textContent?.trim().startsWith(label))!;

describe("Today", () => {
  it("groups items by reason with the customer, headline and explanation", async () => {
    await render(
      [
        todayItem({
          reason: "followup_due",
          customer_name: "Bo",
          headline: "Send quote",
          followup_id: "f1",
        }),
        todayItem({ reason: "overdue", customer_name: "Ada" }),
        todayItem({
          reason: "personal_date",
          customer_name: "Cy",
          headline: "Birthday",
          date: "2026-03-12",
        }),
      ],
      9,
    );
    expect(items().map((i) => i.dataset.reason)).toEqual([
      "overdue",
      "followup_due",
      "personal_date",
    ]);
    expect(items()[0]?.textContent).toContain("overdue by 12 days — usually every 3 weeks");
    expect(items()[2]?.textContent).toContain("Thu 12 March");
    expect(document.querySelector('[data-testid="today-more"]')?.textContent).toContain("6 more");
    // Done only for follow-ups; no snooze for personal dates.
    expect(items()[0]?.querySelector('[data-testid="today-done"]')).toBeNull();
    expect(items()[1]?.querySelector('[data-testid="today-done"]')).not.toBeNull();
    expect(items()[2]?.querySelector('[data-testid="snooze"]')).toBeNull();
  });

  it("says you're all caught up when nothing is due", async () => {
    await render([]);
    expect(document.querySelector('[data-testid="today-empty"]')?.textContent).toContain(
      "You're all caught up",
    );
  });

  it("opens the quick log prefilled, and the customer", async () => {
    const { onLog, onOpen } = await render([
      todayItem({ customer_id: "c9", customer_name: "Ada" }),
    ]);
    button(items()[0]!, "Log visit").click();
    expect(onLog).toHaveBeenCalledWith({ id: "c9", name: "Ada" }, "visit");
    button(items()[0]!, "Log call").click();
    expect(onLog).toHaveBeenLastCalledWith({ id: "c9", name: "Ada" }, "call");
    (items()[0]!.querySelector('[data-testid="today-customer"]') as HTMLElement).click();
    expect(onOpen).toHaveBeenCalledWith("c9");
  });

  it("marks a follow-up done and snoozes a nudge for a day", async () => {
    await render([
      todayItem({ reason: "overdue", customer_id: "n1" }),
      todayItem({ reason: "followup_due", customer_id: "c2", followup_id: "f1" }),
    ]);
    (items()[1]!.querySelector('[data-testid="today-done"]') as HTMLElement).click();
    await vi.waitFor(() => {
      flushSync();
      expect(items()).toHaveLength(1);
    });
    expect(invokeMock).toHaveBeenCalledWith("complete_followup", { id: "f1" });

    (items()[0]!.querySelector('[data-testid="snooze"]') as HTMLElement).click();
    flushSync();
    (document.querySelector('[data-testid="snooze-day"]') as HTMLElement).click();
    await vi.waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith("snooze_nudge", {
        customerId: "n1",
        until: expect.any(String),
      }),
    );
    const call = invokeMock.mock.calls.find(([c]) => c === "snooze_nudge")!;
    const until = new Date((call[1] as { until: string }).until);
    const tomorrow = new Date();
    tomorrow.setDate(tomorrow.getDate() + 1);
    expect(until.getDate()).toBe(tomorrow.getDate());
  });
});
