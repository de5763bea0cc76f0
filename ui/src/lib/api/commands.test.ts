import { beforeEach, describe, expect, it, vi } from "vitest";
import { invokeMock } from "../../test/backend";
import {
  customerFacets,
  deleteCustomer,
  editCustomer,
  getCustomer,
  listCustomers,
} from "./customers";
import {
  addFollowup,
  completeFollowup,
  logInteraction,
  resolveComplaint,
  snoozeFollowup,
  snoozeNudge,
} from "./timeline";
import { today } from "./today";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

beforeEach(() => {
  invokeMock.mockReset();
  invokeMock.mockResolvedValue(null);
});

describe("per-concept command wrappers", () => {
  it("use the contract's command and argument names", async () => {
    const q = {
      query: "acme",
      tag: "vip",
      stage: "lead" as const,
      owner: "sam",
      kind: "company" as const,
      offset: 400,
      limit: 200,
    };
    const input = {
      customer_id: "c1",
      kind: "call" as const,
      summary: "Called",
      body: null,
      occurred_at: null,
      amount: null,
      score: null,
    };
    await listCustomers(q);
    await customerFacets();
    await getCustomer("c1");
    await editCustomer("c1", [["stage", "customer"]]);
    await deleteCustomer("c1");
    await logInteraction(input);
    await resolveComplaint("i1");
    await addFollowup("c1", "Send quote", "2026-01-02T09:00:00Z");
    await completeFollowup("f1");
    await snoozeFollowup("f1", "2026-01-03T09:00:00Z");
    await snoozeNudge("c1", "2026-01-04T09:00:00Z");
    await today(50);

    expect(invokeMock.mock.calls).toEqual([
      ["list_customers", { query: q }],
      ["customer_facets", undefined],
      ["get_customer", { id: "c1" }],
      ["edit_customer", { id: "c1", edits: [["stage", "customer"]] }],
      ["delete_customer", { id: "c1" }],
      ["log_interaction", { input }],
      ["resolve_complaint", { id: "i1" }],
      ["add_followup", { customerId: "c1", title: "Send quote", dueAt: "2026-01-02T09:00:00Z" }],
      ["complete_followup", { id: "f1" }],
      ["snooze_followup", { id: "f1", until: "2026-01-03T09:00:00Z" }],
      ["snooze_nudge", { customerId: "c1", until: "2026-01-04T09:00:00Z" }],
      ["today", { limit: 50 }],
    ]);
  });
});
