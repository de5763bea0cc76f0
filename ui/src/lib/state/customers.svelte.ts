import * as api from "../api";
import { RapportError } from "../api";
import type { CustomerSummary } from "../bindings/CustomerSummary";
import type { NewCustomer } from "../bindings/NewCustomer";

export const SEARCH_DEBOUNCE_MS = 120;
export const LIST_LIMIT = 200;
export const HIGHLIGHT_MS = 2500;

export interface CustomersOptions {
  /** Total number of customers in the store, as last reported by the backend. */
  total: number;
  /** Called when the backend says the store is locked, so the app can re-route. */
  onLocked?: () => void;
}

/** The customer list: search, results, and adding. */
export class CustomersState {
  query = $state("");
  items = $state.raw<CustomerSummary[]>([]);
  total = $state(0);
  loading = $state(false);
  /** True once the first response has arrived (avoids flashing the empty state). */
  loaded = $state(false);
  error = $state<RapportError | null>(null);
  /** The id of a just-added customer, highlighted briefly. */
  highlightId = $state<string | null>(null);

  /** More matches exist than were fetched. */
  truncated = $derived(this.items.length >= LIST_LIMIT);

  #onLocked: (() => void) | undefined;
  #debounce: ReturnType<typeof setTimeout> | undefined;
  #highlightTimer: ReturnType<typeof setTimeout> | undefined;
  #requestSeq = 0;

  constructor(options: CustomersOptions) {
    this.total = options.total;
    this.#onLocked = options.onLocked;
  }

  /** Updates the search text; the list refreshes after a short pause in typing. */
  setQuery(query: string): void {
    this.query = query;
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => void this.refresh(), SEARCH_DEBOUNCE_MS);
  }

  /** Fetches the list for the current query right away. Never throws. */
  async refresh(): Promise<void> {
    clearTimeout(this.#debounce);
    const seq = ++this.#requestSeq;
    const query = this.query.trim();
    this.loading = true;
    try {
      const items = await api.listCustomers(query === "" ? null : query, LIST_LIMIT);
      if (seq !== this.#requestSeq) return; // a newer search has started
      this.items = items;
      this.error = null;
    } catch (e) {
      if (seq !== this.#requestSeq) return;
      this.#fail(e);
    } finally {
      if (seq === this.#requestSeq) {
        this.loading = false;
        this.loaded = true;
      }
    }
  }

  /**
   * Adds a customer, then shows the full list with the new row highlighted.
   * Throws RapportError (e.g. `invalid_input`) for the form to show.
   */
  async add(input: NewCustomer): Promise<CustomerSummary> {
    let created: CustomerSummary;
    try {
      created = await api.addCustomer(input);
    } catch (e) {
      const err = api.toRapportError(e);
      if (err.code === "locked") this.#onLocked?.();
      throw err;
    }
    this.total += 1;
    this.query = "";
    await this.refresh();
    if (!this.items.some((c) => c.id === created.id)) {
      // Beyond the list limit: still show what was just added.
      this.items = [created, ...this.items];
    }
    this.#highlight(created.id);
    return created;
  }

  /** Cancels pending timers; call when the view goes away. */
  dispose(): void {
    clearTimeout(this.#debounce);
    clearTimeout(this.#highlightTimer);
    this.#requestSeq++;
  }

  #highlight(id: string): void {
    clearTimeout(this.#highlightTimer);
    this.highlightId = id;
    this.#highlightTimer = setTimeout(() => {
      if (this.highlightId === id) this.highlightId = null;
    }, HIGHLIGHT_MS);
  }

  #fail(e: unknown): void {
    const err = e instanceof RapportError ? e : api.toRapportError(e);
    this.error = err;
    if (err.code === "locked") this.#onLocked?.();
  }
}
