import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backend, calls, invokeMock, refused } from "../../test/backend";
import { emit, listenerCount, resetEvents } from "../../test/events";
import { conflict, syncView } from "../../test/sync";
import type { SyncConflict } from "../bindings/SyncConflict";
import { ConflictsState, settledWords } from "./conflicts.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => import("../../test/events"));

let state: ConflictsState | undefined;

beforeEach(() => {
  invokeMock.mockReset();
  resetEvents();
});
afterEach(() => state?.dispose());

const NAME = conflict();
const VALUE = conflict({
  id: "0190b3c0-0000-7000-8000-0000000000d2:9",
  entity: "deal",
  record_id: "d1",
  record_label: "Deal “Renewal” (Ada Lovelace)",
  field: "value",
  field_label: "value",
  current: "€1,200.00",
  losing: "€1,500.00",
});

/** A backend holding `list` that settles like the core: every conflict of the field goes. */
function holding(list: SyncConflict[]) {
  let held = list;
  backend({
    sync_conflicts: () => held,
    resolve_conflict: ({ id }) => {
      const c = held.find((c) => c.id === id);
      if (!c) throw { code: "not_found", message: `not found: conflict ${String(id)}` };
      held = held.filter((o) => o.record_id !== c.record_id || o.field !== c.field);
      return null;
    },
  });
  return { set: (next: SyncConflict[]) => (held = next) };
}

describe("ConflictsState", () => {
  it("reads the list, and again when a sync changes the count or takes data in", async () => {
    const store = holding([NAME]);
    state = new ConflictsState();
    await state.start();
    expect(state.list).toEqual([NAME]);

    // The same count: nothing to read.
    emit("sync-status", syncView({ conflicts: 1 }));
    await vi.waitFor(() => expect(calls("sync_conflicts")).toHaveLength(1));

    store.set([VALUE, NAME]);
    emit("sync-status", syncView({ conflicts: 2 }));
    await vi.waitFor(() => expect(state?.list).toEqual([VALUE, NAME]));

    // Another device changed a value shown here.
    const renamed = { ...NAME, current: "Ada King" };
    store.set([VALUE, renamed]);
    emit("data-changed", null);
    await vi.waitFor(() => expect(state?.list?.[1]?.current).toBe("Ada King"));

    state.dispose();
    expect(listenerCount("sync-status")).toBe(0);
    expect(listenerCount("data-changed")).toBe(0);
  });

  it("keeps the current value or uses the losing one, and says what happened", async () => {
    holding([VALUE, NAME]);
    state = new ConflictsState();
    await state.load();

    const using = state.resolve(NAME, true);
    expect(state.resolving).toEqual({ id: NAME.id, useLosing: true });
    expect(await state.resolve(VALUE, false)).toBe(false); // one at a time
    expect(await using).toBe(true);
    expect(calls("resolve_conflict").map(([, a]) => a)).toEqual([{ id: NAME.id, useLosing: true }]);
    expect(state.resolving).toBeNull();
    expect(state.list).toEqual([VALUE]);
    expect(state.settled).toBe("The name of Ada Lovelace is now “Ada Byron”.");

    expect(await state.resolve(VALUE, false)).toBe(true);
    expect(calls("resolve_conflict")[1]?.[1]).toEqual({ id: VALUE.id, useLosing: false });
    expect(state.settled).toBe("The value of Deal “Renewal” (Ada Lovelace) stays “€1,200.00”.");
    expect(state.list).toEqual([]);
    expect(state.failure).toBeNull();
  });

  it("says so when another device settled it first, and drops it from the list", async () => {
    const store = holding([NAME]);
    state = new ConflictsState();
    await state.load();
    store.set([]);
    expect(await state.resolve(NAME, true)).toBe(false);
    expect(state.failure).toBe(
      "The name of Ada Lovelace was already settled, perhaps on another device.",
    );
    expect(state.settled).toBeNull();
    expect(state.list).toEqual([]);
  });

  it("puts failures in words, and a locked store goes to the unlock screen", async () => {
    backend({
      sync_conflicts: refused("internal", "the store could not be read"),
      resolve_conflict: refused("locked", "the store is locked"),
    });
    const onLocked = vi.fn();
    state = new ConflictsState({ onLocked });
    await state.load();
    expect(state.error).toBe("Couldn't read the conflicts. The store could not be read.");
    expect(state.list).toBeNull();

    expect(await state.resolve(NAME, false)).toBe(false);
    expect(state.failure).toBe("Couldn't settle the name of Ada Lovelace. The store is locked.");
    expect(onLocked).toHaveBeenCalled();
  });

  it("drops an answer that arrives after a newer one", async () => {
    let answer: (list: SyncConflict[]) => void = () => {};
    let calls = 0;
    backend({
      sync_conflicts: () => {
        calls++;
        if (calls === 1) return new Promise<SyncConflict[]>((r) => (answer = r));
        return [VALUE];
      },
    });
    state = new ConflictsState();
    const first = state.load();
    await state.load();
    answer([NAME]);
    await first;
    expect(state.list).toEqual([VALUE]);
  });

  it("words an empty value as empty", () => {
    expect(settledWords(conflict({ current: "" }), false)).toBe(
      "The name of Ada Lovelace stays empty.",
    );
  });
});
