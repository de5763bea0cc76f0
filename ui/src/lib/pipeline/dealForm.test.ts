import { describe, expect, it } from "vitest";
import { customer } from "../../test/backend";
import { deal } from "../../test/deals";
import { buildNewDeal, emptyDealForm, fieldOfMessage, usualCurrency } from "./dealForm";

const filled = () => ({
  ...emptyDealForm("Lead", "EUR"),
  customer: customer({ id: "c9" }),
  title: "  Espresso machine ",
  amount: "1,200.50",
  expectedClose: "2026-03-31",
});

describe("new deal form", () => {
  it("builds the NewDeal the backend expects", () => {
    expect(buildNewDeal(filled())).toEqual({
      ok: true,
      value: {
        customer_id: "c9",
        title: "Espresso machine",
        value: { minor: 120050, currency: "EUR" },
        stage: "Lead",
        expected_close: "2026-03-31",
      },
    });
  });

  it("reports every problem at once, in words", () => {
    const result = buildNewDeal({
      ...emptyDealForm("Lead", "euro"),
      amount: "12",
      expectedClose: "2026-02-30",
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        customer: "Choose a customer.",
        title: "Title is required.",
        currency: "Currency: a three-letter code such as EUR.",
        expectedClose: "Expected close: a date such as 2026-03-31.",
      },
    });
  });

  it("checks the amount against the currency's decimals", () => {
    const yen = buildNewDeal({ ...filled(), currency: "jpy", amount: "10.5" });
    expect(yen).toEqual({
      ok: false,
      errors: { amount: "Value: a whole amount in JPY, such as 12000." },
    });
    const empty = buildNewDeal({ ...filled(), amount: " " });
    expect(empty).toEqual({ ok: false, errors: { amount: "Value is required." } });
  });

  it("starts in the currency most deals use", () => {
    const usd = { minor: 1, currency: "USD" };
    expect(usualCurrency([deal(), deal({ value: usd }), deal({ value: usd })])).toBe("USD");
    expect(usualCurrency([], "GBP")).toBe("GBP");
  });

  it("maps the backend's field names to the form's", () => {
    expect(fieldOfMessage("title: must not be empty")).toBe("title");
    expect(fieldOfMessage("expected_close: not a date")).toBe("expectedClose");
    expect(fieldOfMessage("something else")).toBeNull();
  });
});
