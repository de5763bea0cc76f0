import { beforeEach, describe, expect, it, vi } from "vitest";
import { backend, invokeMock, todayItem } from "../../test/backend";
import { groupItems, TODAY_LIMIT, TodayState } from "./today.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

beforeEach(() => {
  invokeMock.mockReset();
});

const nudge = todayItem({ reason: "overdue", customer_id: "n1" });
const followup = todayItem({ reason: "followup_due", customer_id: "f1c", followup_id: "f1" });
const birthday = todayItem({ reason: "personal_date", customer_id: "b1", date: "2026-03-12" });

const commands = () => invokeMock.mock.calls.map(([cmd, args]) => [cmd, args]);

describe("TodayState", () => {
  it("loads the ranked list and counts what isn't shown", async () => {
    backend({ today: () => ({ items: [nudge, followup], total: 7 }) });
    const t = new TodayState();
    await t.load();
    expect(invokeMock).toHaveBeenCalledWith("today", { limit: TODAY_LIMIT });
    expect(t.more).toBe(5);
    expect(t.groups.map((g) => g.reason)).toEqual(["overdue", "followup_due"]);
  });

  it("snoozes a nudge with snooze_nudge and a follow-up with snooze_followup", async () => {
    backend({
      today: () => ({ items: [nudge, followup], total: 2 }),
      snooze_nudge: () => null,
      snooze_followup: () => ({}),
    });
    const t = new TodayState();
    await t.load();
    await t.snooze(nudge, "2026-01-02T08:00:00.000Z");
    await t.snooze(followup, "2026-01-09T08:00:00.000Z");
    expect(commands()).toContainEqual([
      "snooze_nudge",
      { customerId: "n1", until: "2026-01-02T08:00:00.000Z" },
    ]);
    expect(commands()).toContainEqual([
      "snooze_followup",
      { id: "f1", until: "2026-01-09T08:00:00.000Z" },
    ]);
    expect(commands().filter(([c]) => c === "snooze_followup")).toHaveLength(1);
  });

  it("completes a follow-up, drops it at once and reloads", async () => {
    let items = [nudge, followup];
    backend({
      today: () => ({ items, total: items.length }),
      complete_followup: () => {
        items = [nudge];
        return {};
      },
    });
    const t = new TodayState();
    await t.load();
    const done = t.done(followup);
    expect(t.isBusy(followup)).toBe(true);
    await done;
    expect(invokeMock).toHaveBeenCalledWith("complete_followup", { id: "f1" });
    expect(t.list?.items).toEqual([nudge]);
    expect(t.isBusy(followup)).toBe(false);
    await vi.waitFor(() => expect(commands().filter(([c]) => c === "today")).toHaveLength(2));
  });

  it("does nothing for Done on an item that isn't a follow-up", async () => {
    backend({ today: () => ({ items: [birthday], total: 1 }) });
    const t = new TodayState();
    await t.load();
    await t.done(birthday);
    expect(commands().map(([c]) => c)).toEqual(["today"]);
  });

  it("keeps the item and shows the error when an action fails", async () => {
    backend({
      today: () => ({ items: [followup], total: 1 }),
      complete_followup: () => {
        throw { code: "not_found", message: "follow-up f1 not found" };
      },
    });
    const t = new TodayState();
    await t.load();
    await t.done(followup);
    expect(t.error?.message).toBe("follow-up f1 not found");
    expect(t.list?.items).toEqual([followup]);
  });

  it("ignores an older load that finishes last", async () => {
    let release: (v: unknown) => void = () => {};
    let calls = 0;
    backend({
      today: () =>
        ++calls === 1 ? new Promise((r) => (release = r)) : { items: [birthday], total: 1 },
    });
    const t = new TodayState();
    const slow = t.load();
    await t.load();
    release({ items: [nudge], total: 1 });
    await slow;
    expect(t.list?.items).toEqual([birthday]);
  });
});

describe("groupItems", () => {
  it("orders groups by urgency and keeps rank within a group", () => {
    const a = todayItem({ reason: "due_soon", customer_id: "a" });
    const b = todayItem({ reason: "followup_overdue", customer_id: "b" });
    const c = todayItem({ reason: "due_soon", customer_id: "c" });
    const groups = groupItems([a, b, c, birthday, nudge]);
    expect(groups.map((g) => g.reason)).toEqual([
      "overdue",
      "followup_overdue",
      "due_soon",
      "personal_date",
    ]);
    expect(groups[2]?.items.map((i) => i.customer_id)).toEqual(["a", "c"]);
  });
});
