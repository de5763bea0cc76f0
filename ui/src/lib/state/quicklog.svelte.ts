import * as api from "../api";
import { listCustomers } from "../api/customers";
import { logInteraction } from "../api/timeline";
import type { CustomerSummary } from "../bindings/CustomerSummary";
import type { Interaction } from "../bindings/Interaction";
import type { InteractionKind } from "../bindings/InteractionKind";
import type { NewInteraction } from "../bindings/NewInteraction";
import { parseAmount } from "../format";
import { KIND_LABELS } from "../timeline/kinds";
import { SEARCH_DEBOUNCE_MS } from "./customers.svelte";

export const PICKER_LIMIT = 8;

export interface PickedCustomer {
  id: string;
  name: string;
}

export type QuickLogField = "customer" | "summary" | "amount" | "currency" | "score";

export type BuildResult =
  { ok: true; value: NewInteraction } | { ok: false; field: QuickLogField; message: string };

export interface QuickLogForm {
  customer: PickedCustomer | null;
  kind: InteractionKind;
  summary: string;
  amount: string;
  currency: string;
  score: string;
}

/** Turns the quick-log form into a NewInteraction, or names the field to fix. */
export function buildInteraction(form: QuickLogForm): BuildResult {
  if (!form.customer) return { ok: false, field: "customer", message: "Choose a customer." };
  // An empty summary is fine for a quick log: the kind says what happened.
  const summary = form.summary.trim() || KIND_LABELS[form.kind];
  let amount = null;
  if (form.kind === "purchase" && form.amount.trim() !== "") {
    const currency = form.currency.trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) {
      return { ok: false, field: "currency", message: "Currency: a three-letter code like EUR." };
    }
    const minor = parseAmount(form.amount, currency);
    if (minor === null) {
      return { ok: false, field: "amount", message: "Amount: a number like 12.50." };
    }
    amount = { minor, currency };
  }
  let score = null;
  if (form.kind === "feedback" && form.score.trim() !== "") {
    const n = Number(form.score.trim());
    if (!Number.isInteger(n) || n < 0 || n > 10) {
      return { ok: false, field: "score", message: "Score: a whole number from 0 to 10." };
    }
    score = n;
  }
  return {
    ok: true,
    value: {
      customer_id: form.customer.id,
      kind: form.kind,
      summary,
      body: null,
      occurred_at: null,
      amount,
      score,
    },
  };
}

function emptyForm(
  customer: PickedCustomer | null,
  kind: InteractionKind,
  currency: string,
): QuickLogForm {
  return { customer, kind, summary: "", amount: "", currency, score: "" };
}

/** The quick-log dialog: which customer, what happened, and the customer search. */
export class QuickLogState {
  open = $state(false);
  form = $state<QuickLogForm>(emptyForm(null, "call", "EUR"));
  /** The customer was given (a customer page, a Today item) and can't be changed. */
  fixedCustomer = $state(false);
  pickerQuery = $state("");
  pickerResults = $state.raw<CustomerSummary[]>([]);
  busy = $state(false);
  error = $state<{ field: QuickLogField | null; message: string } | null>(null);

  #seq = 0;
  #debounce: ReturnType<typeof setTimeout> | undefined;
  #onLogged: (entry: Interaction) => void;
  #onLocked: (() => void) | undefined;

  constructor(onLogged: (entry: Interaction) => void, onLocked?: () => void) {
    this.#onLogged = onLogged;
    this.#onLocked = onLocked;
  }

  /** Opens the dialog, with the customer (and kind) already chosen when given. */
  start(customer: PickedCustomer | null = null, kind: InteractionKind = "call"): void {
    this.form = emptyForm(customer, kind, this.form.currency || "EUR");
    this.fixedCustomer = customer !== null;
    this.pickerQuery = "";
    this.pickerResults = [];
    this.error = null;
    this.busy = false;
    this.open = true;
    if (!customer) void this.#search();
  }

  setPickerQuery(query: string): void {
    this.pickerQuery = query;
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => void this.#search(), SEARCH_DEBOUNCE_MS);
  }

  pick(customer: CustomerSummary): void {
    this.form.customer = { id: customer.id, name: customer.display_name };
    if (this.error?.field === "customer") this.error = null;
  }

  /** Logs the interaction; false (with `error` set) when it couldn't. */
  async save(): Promise<boolean> {
    if (this.busy) return false;
    const built = buildInteraction(this.form);
    if (!built.ok) {
      this.error = { field: built.field, message: built.message };
      return false;
    }
    this.busy = true;
    try {
      const entry = await logInteraction(built.value);
      this.open = false;
      this.error = null;
      this.#onLogged(entry);
      return true;
    } catch (e) {
      const err = api.toRapportError(e);
      if (err.code === "locked") this.#onLocked?.();
      const field = /^(summary|amount|currency|score):/.exec(err.message)?.[1] as
        QuickLogField | undefined;
      this.error = { field: field ?? null, message: err.message };
      return false;
    } finally {
      this.busy = false;
    }
  }

  close(): void {
    clearTimeout(this.#debounce);
    this.#seq++;
    this.open = false;
  }

  async #search(): Promise<void> {
    clearTimeout(this.#debounce);
    const seq = ++this.#seq;
    const q = this.pickerQuery.trim();
    try {
      const page = await listCustomers({
        query: q === "" ? null : q,
        tag: null,
        stage: null,
        owner: null,
        kind: null,
        offset: 0,
        limit: PICKER_LIMIT,
      });
      if (seq === this.#seq) this.pickerResults = page.items;
    } catch (e) {
      if (seq !== this.#seq) return;
      const err = api.toRapportError(e);
      if (err.code === "locked") this.#onLocked?.();
      this.error = { field: "customer", message: err.message };
    }
  }
}
