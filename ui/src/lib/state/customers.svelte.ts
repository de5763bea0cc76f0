import { SvelteMap } from "svelte/reactivity";
import * as api from "../api";
import { RapportError } from "../api";
import * as customersApi from "../api/customers";
import type { CustomerFacets } from "../bindings/CustomerFacets";
import type { CustomerKind } from "../bindings/CustomerKind";
import type { CustomerPage } from "../bindings/CustomerPage";
import type { CustomerSummary } from "../bindings/CustomerSummary";
import type { LifecycleStage } from "../bindings/LifecycleStage";
import type { NewCustomer } from "../bindings/NewCustomer";
import { phase } from "../firstPaint";
import { FIRST_PAGE_SIZE, takeFirstPage } from "../startup";

export const SEARCH_DEBOUNCE_MS = 120;
/** Rows fetched per request. */
export const PAGE_SIZE = FIRST_PAGE_SIZE;
/** Pages kept in memory; the ones farthest from what is on screen go first. */
export const MAX_CACHED_PAGES = 25;
export const HIGHLIGHT_MS = 2500;

export interface ListFilters {
  tag: string | null;
  stage: LifecycleStage | null;
  owner: string | null;
  kind: CustomerKind | null;
}

export const NO_FILTERS: ListFilters = { tag: null, stage: null, owner: null, kind: null };

export interface CustomersOptions {
  /** Total number of customers in the store, as last reported by the backend. */
  total: number;
  /** Called when the backend says the store is locked, so the app can re-route. */
  onLocked?: () => void;
}

/**
 * The customer list: search, filters, and a sparse cache of pages fetched by offset as the
 * virtual list scrolls, so 100k customers cost only the pages near what is on screen.
 */
export class CustomersState {
  query = $state("");
  filters = $state<ListFilters>({ ...NO_FILTERS });
  /** Customers matching the search and filters (rows in the list). */
  total = $state(0);
  /**
   * `total` is only a lower bound: a broad search stops counting at a round number past
   * the page asked for ("1,000+"); pages further down raise it.
   */
  totalIsLowerBound = $state(false);
  /** Customers in the store. */
  storeTotal = $state(0);
  /** A new search or filter is on its way. */
  loading = $state(false);
  /** True once the first response has arrived (avoids flashing the empty state). */
  loaded = $state(false);
  error = $state<RapportError | null>(null);
  facets = $state.raw<CustomerFacets>({ tags: [], owners: [] });
  /** The id of a just-added customer, highlighted briefly. */
  highlightId = $state<string | null>(null);
  /** A just-added customer that isn't in the pages fetched so far: shown above the list. */
  pinned = $state.raw<CustomerSummary | null>(null);
  /** The keyboard-selected row, or -1. */
  selected = $state(-1);
  /** A row the list should scroll into view (consumed by the view). */
  reveal = $state<number | null>(null);
  /** Bumped when the list starts over from the top (the view scrolls up). */
  resets = $state(0);
  /** The list's scroll offset, kept while the view is away (e.g. on a customer page). */
  scrollTop = 0;

  filtered = $derived(
    this.query.trim() !== "" ||
      Object.values(this.filters).some((v) => v !== null && v !== undefined),
  );

  #pages = new SvelteMap<number, CustomerSummary[]>();
  // Bookkeeping, never shown: deliberately not reactive.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #inflight = new Set<number>();
  #generation = 0;
  /** Waiting for the first page of a new search: other pages must wait for it. */
  #awaitingFirst = false;
  #wanted = { first: 0, last: 0 };
  #onLocked: (() => void) | undefined;
  #debounce: ReturnType<typeof setTimeout> | undefined;
  #highlightTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: CustomersOptions) {
    this.storeTotal = options.total;
    this.total = options.total;
    this.#onLocked = options.onLocked;
  }

  /** The customer at row `index`, or undefined while its page is on its way. */
  item(index: number): CustomerSummary | undefined {
    return this.#pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** Page numbers held in memory (for tests and diagnostics). */
  cachedPages(): number[] {
    return [...this.#pages.keys()].sort((a, b) => a - b);
  }

  /** Updates the search text; the list refreshes after a short pause in typing. */
  setQuery(query: string): void {
    this.query = query;
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => void this.refresh(), SEARCH_DEBOUNCE_MS);
  }

  /** Changes one filter and starts over from the top right away. */
  setFilter<K extends keyof ListFilters>(key: K, value: ListFilters[K]): Promise<void> {
    this.filters = { ...this.filters, [key]: value };
    return this.refresh();
  }

  clearFilters(): Promise<void> {
    this.filters = { ...NO_FILTERS };
    return this.refresh();
  }

  /**
   * Starts over from the top for the current search and filters. The old rows stay on
   * screen until the new first page arrives. Never throws.
   */
  async refresh(): Promise<void> {
    clearTimeout(this.#debounce);
    const gen = ++this.#generation;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    this.#inflight = new Set();
    this.#awaitingFirst = true;
    this.loading = true;
    this.pinned = null;
    this.selected = -1;
    this.scrollTop = 0;
    this.#wanted = { first: 0, last: 0 };
    this.resets++;
    await this.#fetch(0, gen, true);
    if (gen === this.#generation) {
      this.loading = false;
      this.loaded = true;
    }
  }

  /**
   * Fetches the rows on screen again without moving (after an edit or delete elsewhere);
   * rows stay visible until their fresh copy arrives. Never throws.
   */
  async reload(): Promise<void> {
    const gen = ++this.#generation;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    this.#inflight = new Set();
    this.#awaitingFirst = false;
    const { first, last } = this.#wanted;
    for (const p of [...this.#pages.keys()]) if (p < first || p > last) this.#pages.delete(p);
    const pages = [];
    for (let p = first; p <= last; p++) pages.push(this.#fetch(p, gen, false));
    await Promise.all(pages);
  }

  /**
   * Makes sure the pages holding rows [start, end) are fetched or on their way, and lets
   * go of pages far from them.
   */
  ensureRange(start: number, end: number): void {
    if (end <= start) return;
    const first = Math.floor(start / PAGE_SIZE);
    const last = Math.floor((end - 1) / PAGE_SIZE);
    this.#wanted = { first, last };
    if (this.#awaitingFirst) return; // fetched once the first page says how many there are
    for (let p = first; p <= last; p++) {
      if (!this.#pages.has(p) && !this.#inflight.has(p)) void this.#fetch(p, this.#generation);
    }
    this.#evict(first, last);
  }

  /** Changes one row wherever it is cached (e.g. "last contacted" after logging a call). */
  patch(id: string, change: Partial<CustomerSummary>): void {
    for (const [p, items] of this.#pages) {
      const i = items.findIndex((c) => c.id === id);
      if (i >= 0) {
        const copy = items.slice();
        copy[i] = { ...items[i]!, ...change };
        this.#pages.set(p, copy);
      }
    }
    if (this.pinned?.id === id) this.pinned = { ...this.pinned, ...change };
  }

  /** Moves the keyboard selection by `delta` rows (clamped) and scrolls to it. */
  moveSelection(delta: number): void {
    if (this.total === 0) return;
    const from = this.selected < 0 ? (delta > 0 ? -1 : this.total) : this.selected;
    this.select(Math.min(this.total - 1, Math.max(0, from + delta)));
  }

  select(index: number): void {
    if (index < 0 || index >= this.total) return;
    this.selected = index;
    this.reveal = index;
  }

  /** Loads the tags and owners in use, for the filters. Never throws. */
  async loadFacets(): Promise<void> {
    try {
      this.facets = await customersApi.customerFacets();
    } catch (e) {
      this.#fail(e);
    }
  }

  /**
   * Adds a customer, then shows the whole list with the new row selected and highlighted.
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
    this.storeTotal += 1;
    this.query = "";
    this.filters = { ...NO_FILTERS };
    await this.refresh();
    const index = this.#indexOf(created.id);
    if (index >= 0) this.select(index);
    else this.pinned = created; // beyond the first page: still show what was just added
    this.#highlight(created.id);
    void this.loadFacets();
    return created;
  }

  /** After a customer was deleted elsewhere. */
  removed(): Promise<void> {
    this.storeTotal = Math.max(0, this.storeTotal - 1);
    this.pinned = null;
    void this.loadFacets();
    return this.reload();
  }

  /** Cancels pending timers and ignores answers still on their way. */
  dispose(): void {
    clearTimeout(this.#debounce);
    clearTimeout(this.#highlightTimer);
    this.#generation++;
  }

  #query(page: number) {
    const q = this.query.trim();
    return {
      query: q === "" ? null : q,
      ...this.filters,
      offset: page * PAGE_SIZE,
      limit: PAGE_SIZE,
    };
  }

  async #fetch(page: number, gen: number, first = false): Promise<void> {
    this.#inflight.add(page);
    const inflight = this.#inflight;
    let ok = false;
    try {
      if (first) phase("list-asked");
      const q = this.#query(page);
      const prefetched = first ? takeFirstPage(q) : null;
      const res = prefetched
        ? await prefetched.catch(() => customersApi.listCustomers(q))
        : await customersApi.listCustomers(q);
      if (first) phase("list-arrived");
      if (gen !== this.#generation) return; // a newer search or reload has started
      if (first) {
        this.#pages.clear();
        this.#awaitingFirst = false;
      }
      this.#pages.set(page, res.items);
      this.#evict(this.#wanted.first, this.#wanted.last);
      this.#takeTotal(res, first);
      if (!this.filtered) this.storeTotal = res.total;
      if (this.selected >= res.total) this.selected = res.total - 1;
      this.error = null;
      ok = true;
    } catch (e) {
      if (gen !== this.#generation) return;
      if (first) this.#awaitingFirst = false;
      this.#fail(e);
    } finally {
      inflight.delete(page);
    }
    // The pages the view asked for while the first one was on its way.
    if (ok && first && gen === this.#generation) {
      const { first: a, last: b } = this.#wanted;
      this.ensureRange(a * PAGE_SIZE, (b + 1) * PAGE_SIZE);
    }
  }

  /**
   * A new search takes its first page's total; after that an exact total wins, and lower
   * bounds only ever raise it (a page near the top must not shrink a list scrolled deeper).
   */
  #takeTotal(res: CustomerPage, first: boolean): void {
    if (first || !res.total_is_lower_bound) {
      this.total = res.total;
      this.totalIsLowerBound = res.total_is_lower_bound;
    } else if (this.totalIsLowerBound) {
      this.total = Math.max(this.total, res.total);
    }
  }

  #evict(first: number, last: number): void {
    if (this.#pages.size <= MAX_CACHED_PAGES) return;
    const distance = (p: number) => (p < first ? first - p : p > last ? p - last : 0);
    const far = [...this.#pages.keys()].sort((a, b) => distance(b) - distance(a));
    for (const p of far.slice(0, this.#pages.size - MAX_CACHED_PAGES)) this.#pages.delete(p);
  }

  #indexOf(id: string): number {
    for (const [p, items] of this.#pages) {
      const i = items.findIndex((c) => c.id === id);
      if (i >= 0) return p * PAGE_SIZE + i;
    }
    return -1;
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
