import { beforeEach, describe, expect, it, vi } from "vitest";
import { backend, customer, invokeMock } from "../../test/backend";
import { detail, fullCustomer } from "../../test/fixtures";
import type { Customer } from "../bindings/Customer";
import type { DuplicatePair } from "../bindings/DuplicatePair";
import { MergePick } from "./merge.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

beforeEach(() => {
  invokeMock.mockReset();
});

const ADA = fullCustomer({
  id: "a",
  display_name: "Ada Lovelace",
  title: "Analyst",
  owner: null,
  emails: [{ label: "work", value: "ada@example.com" }],
  tags: ["vip"],
});
const ADA2 = fullCustomer({
  id: "b",
  display_name: "Ada King",
  title: "Countess",
  owner: "Sam",
  emails: [{ label: null, value: "ada@home.example" }],
  tags: ["vip"],
});

const PAIR: DuplicatePair = {
  a: customer({ id: "a", display_name: "Ada Lovelace" }),
  b: customer({ id: "b", display_name: "Ada King" }),
  reasons: ["similar names"],
  score: 72,
};

function withCustomers(merged: (args: Record<string, unknown>) => unknown = () => null) {
  const byId: Record<string, Customer> = { a: ADA, b: ADA2 };
  backend({
    get_customer: ({ id }) => detail({ customer: byId[id as string]! }),
    merge_customers: merged,
  });
}

describe("MergePick", () => {
  it("asks only about single fields that differ, defaulting to the survivor's value unless it is empty", async () => {
    withCustomers();
    const merge = new MergePick(PAIR);
    await merge.load();
    expect(merge.choices.map((f) => f.key)).toEqual(["name", "title", "owner"]);
    expect(merge.picks).toEqual({
      name: "survivor",
      title: "survivor",
      owner: "duplicate", // Ada has no owner, the duplicate has one
    });
    // Lists are combined, not picked; identical fields aren't asked about.
    const emails = merge.fields.find((f) => f.key === "emails");
    expect(emails).toMatchObject({ combined: true, duplicate: "ada@home.example" });
    expect(merge.fields.find((f) => f.key === "given_name")?.survivor).toBe("Ada");
    expect(merge.choices.some((f) => f.key === "given_name" || f.key === "tags")).toBe(false);
  });

  it("merges the duplicate into the survivor with the user's picks", async () => {
    withCustomers(() => ({ merge_id: "m1", survivor: ADA }));
    const merge = new MergePick(PAIR);
    await merge.load();
    merge.pick("title", "duplicate");
    const result = await merge.merge();
    expect(result?.merge_id).toBe("m1");
    expect(invokeMock).toHaveBeenLastCalledWith("merge_customers", {
      duplicateId: "b",
      intoId: "a",
      pick: { name: "survivor", title: "duplicate", owner: "duplicate" },
    });
  });

  it("swapping keeps the other record, and the picks start over from it", async () => {
    withCustomers(() => ({ merge_id: "m1", survivor: ADA2 }));
    const merge = new MergePick(PAIR);
    await merge.load();
    merge.pick("title", "duplicate");
    merge.swap();
    expect(merge.survivor?.id).toBe("b");
    expect(merge.picks.title).toBe("survivor");
    expect(merge.picks.owner).toBe("survivor"); // Sam is now the survivor's own value
    await merge.merge();
    expect(invokeMock).toHaveBeenLastCalledWith(
      "merge_customers",
      expect.objectContaining({ duplicateId: "a", intoId: "b" }),
    );
  });

  it("shows why a merge failed and can't merge before both are loaded", async () => {
    withCustomers(() => {
      throw { code: "not_found", message: "customer b: no such customer" };
    });
    const merge = new MergePick(PAIR);
    expect(merge.canMerge).toBe(false);
    expect(await merge.merge()).toBeNull();
    expect(invokeMock).not.toHaveBeenCalled();
    await merge.load();
    expect(await merge.merge()).toBeNull();
    expect(merge.error).toBe("customer b: no such customer");
    expect(merge.merging).toBe(false);
  });
});
