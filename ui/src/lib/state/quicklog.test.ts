import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backend, customer, invokeMock } from "../../test/backend";
import { SEARCH_DEBOUNCE_MS } from "./customers.svelte";
import {
  buildInteraction,
  PICKER_LIMIT,
  QuickLogState,
  type QuickLogForm,
} from "./quicklog.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

beforeEach(() => {
  invokeMock.mockReset();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

const ADA = { id: "c1", name: "Ada" };
function form(overrides: Partial<QuickLogForm> = {}): QuickLogForm {
  return {
    customer: ADA,
    kind: "call",
    summary: "",
    amount: "",
    currency: "EUR",
    score: "",
    ...overrides,
  };
}

describe("buildInteraction", () => {
  it("needs a customer and falls back to the kind as the summary", () => {
    expect(buildInteraction(form({ customer: null }))).toMatchObject({
      ok: false,
      field: "customer",
    });
    expect(buildInteraction(form({ kind: "visit", summary: "  " }))).toMatchObject({
      ok: true,
      value: { customer_id: "c1", kind: "visit", summary: "Visit", amount: null, score: null },
    });
  });

  it("reads a purchase amount in the currency's minor unit", () => {
    const built = buildInteraction(form({ kind: "purchase", amount: "12.5", currency: "eur" }));
    expect(built).toMatchObject({ ok: true, value: { amount: { minor: 1250, currency: "EUR" } } });
    expect(
      buildInteraction(form({ kind: "purchase", amount: "1200", currency: "JPY" })),
    ).toMatchObject({ ok: true, value: { amount: { minor: 1200, currency: "JPY" } } });
    expect(buildInteraction(form({ kind: "purchase", amount: "12,50.1.2" }))).toMatchObject({
      ok: false,
      field: "amount",
    });
    expect(buildInteraction(form({ kind: "purchase", amount: "5", currency: "E" }))).toMatchObject({
      ok: false,
      field: "currency",
    });
  });

  it("takes a 0–10 score for feedback only", () => {
    expect(buildInteraction(form({ kind: "feedback", score: "9" }))).toMatchObject({
      ok: true,
      value: { score: 9 },
    });
    expect(buildInteraction(form({ kind: "feedback", score: "11" }))).toMatchObject({
      ok: false,
      field: "score",
    });
    expect(buildInteraction(form({ kind: "call", score: "9" }))).toMatchObject({
      ok: true,
      value: { score: null },
    });
  });
});

describe("QuickLogState", () => {
  it("searches customers for the picker, newest query wins", async () => {
    backend({
      list_customers: ({ query }) => {
        const q = query as { query: string | null; limit: number };
        expect(q.limit).toBe(PICKER_LIMIT);
        return { items: [customer({ id: q.query ?? "all" })], total: 1, offset: 0 };
      },
    });
    const log = new QuickLogState(() => {});
    log.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(log.pickerResults.map((c) => c.id)).toEqual(["all"]);
    log.setPickerQuery("gr");
    log.setPickerQuery("grace");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    expect(log.pickerResults.map((c) => c.id)).toEqual(["grace"]);
    log.pick(log.pickerResults[0]!);
    expect(log.form.customer).toEqual({ id: "grace", name: "Ada Lovelace" });
  });

  it("logs, closes and reports the new entry", async () => {
    const entry = { id: "i1", customer_id: "c1", kind: "visit" };
    backend({ log_interaction: () => entry });
    const onLogged = vi.fn();
    const log = new QuickLogState(onLogged);
    log.start(ADA, "visit");
    expect(log.fixedCustomer).toBe(true);
    log.form.summary = "Dropped by with samples";
    expect(await log.save()).toBe(true);
    expect(invokeMock).toHaveBeenCalledWith("log_interaction", {
      input: {
        customer_id: "c1",
        kind: "visit",
        summary: "Dropped by with samples",
        body: null,
        occurred_at: null,
        amount: null,
        score: null,
      },
    });
    expect(log.open).toBe(false);
    expect(onLogged).toHaveBeenCalledWith(entry);
  });

  it("keeps the dialog open with the field the backend named", async () => {
    backend({
      log_interaction: () => {
        throw { code: "invalid_input", message: "summary: is longer than 1000 characters" };
      },
    });
    const log = new QuickLogState(() => {});
    log.start(ADA);
    expect(await log.save()).toBe(false);
    expect(log.open).toBe(true);
    expect(log.error).toEqual({
      field: "summary",
      message: "summary: is longer than 1000 characters",
    });
  });
});
