import { beforeEach, describe, expect, it, vi } from "vitest";
import { invokeMock } from "../../test/backend";
import { emit, resetEvents } from "../../test/events";
import { listCustomers } from "./customers";
import { addDeal, closeDeal, moveDeal, pipeline } from "./pipeline";
import { changeProtection, getPrefs, lock, savePrefs, storeInfo } from "./settings";
import { cancelTask, onTaskProgress, startDemo } from "./tasks";
import { DEFAULT_PREFS } from "../state/prefs.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => import("../../test/events"));

beforeEach(() => {
  invokeMock.mockReset();
  resetEvents();
});

describe("per-concept API wrappers use the contract's command and argument names", () => {
  it("pipeline, settings, tasks, customers", async () => {
    invokeMock.mockResolvedValue(null);
    const input = {
      customer_id: "c",
      title: "t",
      value: { minor: 1, currency: "EUR" },
      stage: null,
      expected_close: null,
    };
    const query = {
      query: "ada",
      tag: null,
      stage: null,
      owner: null,
      kind: null,
      offset: 0,
      limit: 8,
    };
    await pipeline();
    await addDeal(input);
    await moveDeal("d", "Won?");
    await closeDeal("d", false, "price");
    await getPrefs();
    await savePrefs(DEFAULT_PREFS);
    await storeInfo();
    await changeProtection(null, "secret phrase");
    await lock();
    await startDemo(200);
    await cancelTask("t1");
    await listCustomers(query);
    expect(invokeMock.mock.calls).toEqual([
      ["pipeline", undefined],
      ["add_deal", { input }],
      ["move_deal", { id: "d", stage: "Won?" }],
      ["close_deal", { id: "d", won: false, reason: "price" }],
      ["get_prefs", undefined],
      ["save_prefs", { prefs: DEFAULT_PREFS }],
      ["store_info", undefined],
      ["change_protection", { current: null, next: "secret phrase" }],
      ["lock", undefined],
      ["start_demo", { customers: 200 }],
      ["cancel_task", { id: "t1" }],
      ["list_customers", { query }],
    ]);
  });

  it("onTaskProgress hands over each event's payload until unlistened", async () => {
    const seen: unknown[] = [];
    const unlisten = await onTaskProgress((p) => seen.push(p));
    emit("task-progress", { id: "t", done: 1 });
    unlisten();
    emit("task-progress", { id: "t", done: 2 });
    expect(seen).toEqual([{ id: "t", done: 1 }]);
  });
});
