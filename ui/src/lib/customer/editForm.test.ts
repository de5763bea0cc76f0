import { describe, expect, it } from "vitest";
import type { Customer } from "../bindings/Customer";
import { editsBetween, errorField, formFromCustomer } from "./editForm";

function ada(overrides: Partial<Customer> = {}): Customer {
  return {
    id: "c1",
    kind: "person",
    display_name: "Ada Lovelace",
    given_name: "Ada",
    family_name: "Lovelace",
    company_id: null,
    company_name: "Engines Ltd",
    title: null,
    emails: [{ label: "work", value: "ada@example.com" }],
    phones: [],
    addresses: [],
    tags: ["vip"],
    custom_fields: { shoe_size: "38" },
    lifecycle_stage: "customer",
    lead_source: null,
    owner: "sam",
    birthday: "--12-10",
    important_dates: [],
    key_facts: [{ kind: "pet", label: "dog", value: "Rex" }],
    how_we_met: null,
    preferred_channel: "email",
    quiet_hours: { start: "21:00", end: "08:00" },
    keep_in_touch_days: 21,
    keep_in_touch_max_days: null,
    notes: null,
    last_contacted_at: null,
    created_at: "2025-01-01T00:00:00Z",
    updated_at: "2025-01-01T00:00:00Z",
    ...overrides,
  };
}

describe("editsBetween", () => {
  it("sends nothing when nothing changed", () => {
    const form = formFromCustomer(ada());
    expect(editsBetween(form, formFromCustomer(ada()))).toEqual([]);
  });

  it("sends changed fields in the edit field language, blank clears", () => {
    const before = formFromCustomer(ada());
    const after = formFromCustomer(ada());
    after.stage = "former";
    after.tags = "vip, Berlin";
    after.owner = "  ";
    after.quiet_hours = "22:00-07:00";
    after.keep_in_touch = "30";
    expect(editsBetween(before, after)).toEqual([
      ["owner", ""],
      ["stage", "former"],
      ["tags", "vip, Berlin"],
      ["quiet_hours", "22:00-07:00"],
      ["keep_in_touch", "30"],
    ]);
  });

  it("sends key facts, dates and addresses as JSON arrays, skipping empty rows", () => {
    const before = formFromCustomer(ada());
    const after = formFromCustomer(ada());
    after.key_facts.push({ kind: "family", label: "daughter", value: "Mia, 7" });
    after.key_facts.push({ kind: "other", label: "", value: "" });
    after.important_dates.push({ label: "Anniversary", date: "--06-01" });
    after.addresses.push({
      label: "",
      street: "1 High St",
      city: "London",
      region: "",
      postal_code: "",
      country: "UK",
    });
    const edits = Object.fromEntries(editsBetween(before, after));
    expect(JSON.parse(edits.key_facts!)).toEqual([
      { kind: "pet", label: "dog", value: "Rex" },
      { kind: "family", label: "daughter", value: "Mia, 7" },
    ]);
    expect(JSON.parse(edits.important_dates!)).toEqual([{ label: "Anniversary", date: "--06-01" }]);
    expect(JSON.parse(edits.addresses!)).toEqual([
      {
        label: null,
        street: "1 High St",
        city: "London",
        region: null,
        postal_code: null,
        country: "UK",
      },
    ]);
  });

  it("sets, changes and removes custom fields one by one", () => {
    const before = formFromCustomer(ada({ custom_fields: { a: "1", b: "2" } }));
    const after = formFromCustomer(ada({ custom_fields: { a: "1", b: "2" } }));
    after.custom = [
      { name: "a", value: "1" },
      { name: "c", value: "3" },
    ];
    expect(editsBetween(before, after)).toEqual([
      ["custom.c", "3"],
      ["custom.b", ""],
    ]);
  });
});

describe("errorField", () => {
  it.each([
    ["birthday: `x` is not YYYY-MM-DD or --MM-DD", "birthday", "`x` is not YYYY-MM-DD or --MM-DD"],
    ["email: `nope` is not an email address", "emails", "`nope` is not an email address"],
    ["lifecycle_stage: `x` is not one of: lead", "stage", "`x` is not one of: lead"],
    [
      "keep_in_touch_days: `0` is not a number of days",
      "keep_in_touch",
      "`0` is not a number of days",
    ],
    ["custom.size: is longer than 2000 characters", "custom", "is longer than 2000 characters"],
  ])("%s -> %s", (message, field, problem) => {
    expect(errorField(message)).toEqual({ field, problem });
  });

  it("keeps messages that name no form field whole", () => {
    expect(errorField("disk full")).toEqual({ field: null, problem: "disk full" });
    expect(errorField("edit: nothing to change")).toEqual({
      field: null,
      problem: "edit: nothing to change",
    });
  });
});
