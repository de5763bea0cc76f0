import { describe, expect, it } from "vitest";
import { buildNewCustomer, emptyForm, parseTags, type CustomerForm } from "./form";

const form = (fields: Partial<CustomerForm>): CustomerForm => ({ ...emptyForm(), ...fields });

describe("buildNewCustomer", () => {
  it("requires a name", () => {
    expect(buildNewCustomer(form({ name: "   " }))).toEqual({
      ok: false,
      field: "name",
      message: "Name is required.",
    });
  });

  it("maps a full person to NewCustomer", () => {
    const result = buildNewCustomer(
      form({
        name: " Ada Lovelace ",
        email: "ada@example.com",
        phone: "+44 20 7946 0000",
        company: "Analytical Engines",
        title: "Engineer",
        tags: "vip, maths,, VIP",
        birthday: "--12-10",
        keepInTouchDays: "30",
        preferredChannel: "email",
      }),
    );
    expect(result).toEqual({
      ok: true,
      value: {
        kind: "person",
        name: "Ada Lovelace",
        emails: ["ada@example.com"],
        phones: ["+44 20 7946 0000"],
        company: "Analytical Engines",
        title: "Engineer",
        tags: ["vip", "maths"],
        birthday: "--12-10",
        keep_in_touch_days: 30,
        preferred_channel: "email",
        lifecycle_stage: null,
        notes: null,
      },
    });
  });

  it("sends empty optional fields as null or []", () => {
    const result = buildNewCustomer(form({ kind: "company", name: "Acme", company: "ignored" }));
    expect(result.ok && result.value).toMatchObject({
      kind: "company",
      emails: [],
      phones: [],
      company: null,
      title: null,
      tags: [],
      birthday: null,
      keep_in_touch_days: null,
      preferred_channel: null,
    });
  });

  it.each(["1990-12-24", "--12-24"])("accepts birthday %s", (birthday) => {
    expect(buildNewCustomer(form({ name: "A", birthday })).ok).toBe(true);
  });

  it.each(["24.12.1990", "12-24", "1990-1-2"])("rejects birthday %s", (birthday) => {
    expect(buildNewCustomer(form({ name: "A", birthday }))).toMatchObject({
      ok: false,
      field: "birthday",
    });
  });

  it.each(["0", "-3", "2.5", "soon"])("rejects keep-in-touch days %s", (days) => {
    expect(buildNewCustomer(form({ name: "A", keepInTouchDays: days }))).toMatchObject({
      ok: false,
      field: "keepInTouchDays",
    });
  });
});

describe("parseTags", () => {
  it("trims, drops empties and case-insensitive duplicates", () => {
    expect(parseTags(" a ,b,, A ,c ")).toEqual(["a", "b", "c"]);
    expect(parseTags("")).toEqual([]);
  });
});
