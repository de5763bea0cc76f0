import type { CustomerSummary } from "../bindings/CustomerSummary";
import type { Deal } from "../bindings/Deal";
import type { NewDeal } from "../bindings/NewDeal";
import { minorDigits, parseAmount } from "./money";

/** The new-deal form's values, as typed. */
export interface DealForm {
  customer: CustomerSummary | null;
  title: string;
  amount: string;
  currency: string;
  stage: string;
  /** "YYYY-MM-DD" from a date input, or "". */
  expectedClose: string;
}

export type DealField = "customer" | "title" | "amount" | "currency" | "expectedClose";
export type DealErrors = Partial<Record<DealField, string>>;

export type DealFormResult = { ok: true; value: NewDeal } | { ok: false; errors: DealErrors };

const CURRENCY = /^[A-Z]{3}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The currency most open deals use, so a new deal starts in it. */
export function usualCurrency(deals: Deal[], fallback = "EUR"): string {
  const counts = new Map<string, number>();
  let best = fallback;
  let bestCount = 0;
  for (const d of deals) {
    const n = (counts.get(d.value.currency) ?? 0) + 1;
    counts.set(d.value.currency, n);
    if (n > bestCount) [best, bestCount] = [d.value.currency, n];
  }
  return best;
}

export function emptyDealForm(stage: string, currency: string): DealForm {
  return { customer: null, title: "", amount: "", currency, stage, expectedClose: "" };
}

function validDay(text: string): boolean {
  if (!DAY.test(text)) return false;
  const t = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().startsWith(text);
}

/**
 * Checks what the user can fix at a glance (every field at once) and builds the NewDeal;
 * the backend validates again and answers `invalid_input` naming the field.
 */
export function buildNewDeal(form: DealForm): DealFormResult {
  const errors: DealErrors = {};
  if (!form.customer) errors.customer = "Choose a customer.";

  const title = form.title.trim();
  if (title === "") errors.title = "Title is required.";

  const currency = form.currency.trim().toUpperCase();
  if (!CURRENCY.test(currency)) errors.currency = "Currency: a three-letter code such as EUR.";

  let minor: number | null = null;
  if (form.amount.trim() === "") {
    errors.amount = "Value is required.";
  } else if (!errors.currency) {
    minor = parseAmount(form.amount, currency);
    if (minor === null) {
      errors.amount =
        minorDigits(currency) === 0
          ? `Value: a whole amount in ${currency}, such as 12000.`
          : `Value: an amount such as 12000 or 12,000.50.`;
    }
  }

  const expectedClose = form.expectedClose.trim();
  if (expectedClose !== "" && !validDay(expectedClose)) {
    errors.expectedClose = "Expected close: a date such as 2026-03-31.";
  }

  if (Object.keys(errors).length > 0 || !form.customer || minor === null) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    value: {
      customer_id: form.customer.id,
      title,
      value: { minor, currency },
      stage: form.stage === "" ? null : form.stage,
      expected_close: expectedClose === "" ? null : expectedClose,
    },
  };
}

/** Which form field a backend `invalid_input` message ("title: must not be empty") is about. */
export function fieldOfMessage(message: string): DealField | null {
  const field = message.split(":", 1)[0]?.trim();
  switch (field) {
    case "customer_id":
    case "customer":
      return "customer";
    case "title":
      return "title";
    case "value":
    case "amount":
      return "amount";
    case "currency":
      return "currency";
    case "expected_close":
      return "expectedClose";
    default:
      return null;
  }
}
