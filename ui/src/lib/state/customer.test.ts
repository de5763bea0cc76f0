import { beforeEach, describe, expect, it, vi } from "vitest";
import { backend, invokeMock } from "../../test/backend";
import { CustomerPageState } from "./customer.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

beforeEach(() => {
  invokeMock.mockReset();
});

const detail = (name: string) => ({
  customer: { id: "c1", display_name: name },
  timeline: [],
  followups: [],
  deals: [],
  score: null,
});

describe("CustomerPageState", () => {
  it("edits, then shows the customer as saved", async () => {
    let name = "Ada";
    backend({
      get_customer: () => detail(name),
      edit_customer: ({ edits }) => {
        name = (edits as [string, string][])[0]![1];
        return {};
      },
    });
    const page = new CustomerPageState("c1");
    await page.load();
    await page.edit([["name", "Ada King"]]);
    expect(invokeMock).toHaveBeenCalledWith("edit_customer", {
      id: "c1",
      edits: [["name", "Ada King"]],
    });
    expect(page.detail?.customer.display_name).toBe("Ada King");
  });

  it("sends nothing when nothing changed", async () => {
    backend({});
    await new CustomerPageState("c1").edit([]);
    expect(invokeMock).not.toHaveBeenCalled();
  });

  it("rethrows an edit's invalid_input for the form", async () => {
    backend({
      edit_customer: () => {
        throw { code: "invalid_input", message: "birthday: `x` is not YYYY-MM-DD or --MM-DD" };
      },
    });
    await expect(new CustomerPageState("c1").edit([["birthday", "x"]])).rejects.toMatchObject({
      code: "invalid_input",
    });
  });

  it("resolves a complaint and follow-up actions with the right commands", async () => {
    backend({
      get_customer: () => detail("Ada"),
      resolve_complaint: () => ({}),
      add_followup: () => ({}),
      complete_followup: () => ({}),
      snooze_followup: () => ({}),
    });
    const page = new CustomerPageState("c1");
    expect(await page.resolveComplaint("i1")).toBe(true);
    await page.addFollowup("Call back", "2026-01-02T08:00:00.000Z");
    await page.completeFollowup("f1");
    await page.snoozeFollowup("f2", "2026-01-03T08:00:00.000Z");
    const actions = invokeMock.mock.calls.filter(([c]) => c !== "get_customer");
    expect(actions).toEqual([
      ["resolve_complaint", { id: "i1" }],
      ["add_followup", { customerId: "c1", title: "Call back", dueAt: "2026-01-02T08:00:00.000Z" }],
      ["complete_followup", { id: "f1" }],
      ["snooze_followup", { id: "f2", until: "2026-01-03T08:00:00.000Z" }],
    ]);
  });

  it("reports a failed action and asks the app to re-check when locked", async () => {
    backend({
      resolve_complaint: () => {
        throw { code: "locked", message: "The store is locked." };
      },
    });
    const onLocked = vi.fn();
    const page = new CustomerPageState("c1", onLocked);
    expect(await page.resolveComplaint("i1")).toBe(false);
    expect(page.actionError).toBe("The store is locked.");
    expect(onLocked).toHaveBeenCalledOnce();
  });

  it("deletes", async () => {
    backend({ delete_customer: () => null });
    const page = new CustomerPageState("c1");
    await page.remove();
    expect(invokeMock).toHaveBeenCalledWith("delete_customer", { id: "c1" });
    expect(page.deleted).toBe(true);
  });
});
