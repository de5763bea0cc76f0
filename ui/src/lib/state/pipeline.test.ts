import { beforeEach, describe, expect, it, vi } from "vitest";
import { backend, invokeMock } from "../../test/backend";
import { board, deal, STAGES, totalsOf } from "../../test/deals";
import { PipelineState } from "./pipeline.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

beforeEach(() => {
  invokeMock.mockReset();
});

const DEALS = [
  deal({ id: "a", title: "Grinder", stage: "Lead", value: { minor: 1000, currency: "EUR" } }),
  deal({ id: "b", title: "Beans", stage: "Lead", value: { minor: 500, currency: "USD" } }),
];

/** A deferred promise, to look at the board while a command is in flight. */
function later<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

async function loaded(extra: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  backend({ pipeline: () => board(DEALS), ...extra });
  const state = new PipelineState();
  await state.load();
  return state;
}

describe("moving a deal", () => {
  it("moves at once, before the backend answers, and keeps the move", async () => {
    const reply = later<unknown>();
    const state = await loaded({ move_deal: () => reply.promise });

    const done = state.move("a", "Proposal");
    expect(state.dealsIn("Proposal").map((d) => d.id)).toEqual(["a"]);
    expect(state.board?.totals).toEqual(totalsOf(STAGES, state.board!.deals));
    expect(invokeMock).toHaveBeenLastCalledWith("move_deal", { id: "a", stage: "Proposal" });

    reply.resolve({ ...DEALS[0], stage: "Proposal" });
    await expect(done).resolves.toBe(true);
    expect(state.dealsIn("Proposal").map((d) => d.id)).toEqual(["a"]);
    expect(state.notice).toBeNull();
  });

  it("puts the deal and the totals back and says why when the backend refuses", async () => {
    const state = await loaded({
      move_deal: () => {
        throw { code: "not_found", message: "stage: no stage named Proposal" };
      },
    });
    const before = state.board;

    await expect(state.move("a", "Proposal")).resolves.toBe(false);

    expect(state.dealsIn("Lead").map((d) => d.id)).toEqual(["a", "b"]);
    expect(state.board?.totals).toEqual(before?.totals);
    expect(state.notice).toBe(
      "Couldn't move “Grinder” to Proposal: stage: no stage named Proposal",
    );
  });

  it("does not undo a later move when an earlier one fails", async () => {
    const first = later<unknown>();
    const state = await loaded({
      move_deal: ({ stage }) =>
        stage === "Qualified" ? first.promise : { ...DEALS[0], stage: "Proposal" },
    });

    const one = state.move("a", "Qualified");
    await state.move("a", "Proposal");
    first.reject({ code: "io", message: "disk full" });
    await one;

    expect(state.deal("a")?.stage).toBe("Proposal");
    expect(state.board?.totals).toEqual(totalsOf(STAGES, state.board!.deals));
  });

  it("asks the app to re-check when the store is locked", async () => {
    backend({
      pipeline: () => board(DEALS),
      move_deal: () => {
        throw { code: "locked", message: "The store is locked." };
      },
    });
    const onLocked = vi.fn();
    const state = new PipelineState({ onLocked });
    await state.load();
    await state.move("a", "Qualified");
    expect(onLocked).toHaveBeenCalledOnce();
  });
});

describe("closing and adding", () => {
  it("a lost deal leaves the board with its reason sent; a won one sends no reason", async () => {
    const state = await loaded({ close_deal: ({ id }) => ({ ...DEALS[0], id, status: "lost" }) });

    await state.close("a", false, "Too expensive");
    expect(invokeMock).toHaveBeenLastCalledWith("close_deal", {
      id: "a",
      won: false,
      reason: "Too expensive",
    });
    expect(state.deal("a")).toBeUndefined();
    expect(state.board?.totals[0]).toEqual({
      stage: "Lead",
      deals: 1,
      value: [{ currency: "USD", minor: 500 }],
    });

    await state.close("b", true, "ignored");
    expect(invokeMock).toHaveBeenLastCalledWith("close_deal", { id: "b", won: true, reason: null });
  });

  it("a refused close keeps the deal and shows a notice", async () => {
    const state = await loaded({
      close_deal: () => {
        throw { code: "invalid_input", message: "deal: already closed" };
      },
    });
    await expect(state.close("a", true, null)).resolves.toBe(false);
    expect(state.deal("a")).toBeDefined();
    expect(state.notice).toContain("deal: already closed");
  });

  it("adds a new deal to its column and totals", async () => {
    const created = deal({ id: "n", stage: "Qualified", value: { minor: 42, currency: "EUR" } });
    const state = await loaded({ add_deal: () => created });
    await state.add({
      customer_id: "c1",
      title: created.title,
      value: created.value,
      stage: "Qualified",
      expected_close: null,
    });
    expect(state.dealsIn("Qualified").map((d) => d.id)).toEqual(["n"]);
    expect(state.board?.totals[1]).toEqual({
      stage: "Qualified",
      deals: 1,
      value: [{ currency: "EUR", minor: 42 }],
    });
  });

  it("a failed load keeps the error", async () => {
    backend({
      pipeline: () => {
        throw { code: "io", message: "disk gone" };
      },
    });
    const state = new PipelineState();
    await state.load();
    expect(state.error?.message).toBe("disk gone");
    expect(state.board).toBeNull();
  });
});
