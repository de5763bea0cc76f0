// Start-up requests, sent before the app's code has even been loaded so the backend answers
// while the window builds itself (DESIGN §7: start to first painted list). Each answer is
// taken once, by the code that would otherwise have asked; later calls ask afresh.
import { call } from "./api";
import type { CustomerPage } from "./bindings/CustomerPage";
import type { CustomerQuery } from "./bindings/CustomerQuery";
import type { Prefs } from "./bindings/Prefs";
import type { StartUp } from "./bindings/StartUp";
import type { StoreStatus } from "./bindings/StoreStatus";
import { phase } from "./firstPaint";

/** Rows per customer-list request (the list's page size). */
export const FIRST_PAGE_SIZE = 200;

/** The list's first request: everyone, no search, no filters, from the top. */
const FIRST_PAGE_QUERY: CustomerQuery = {
  query: null,
  tag: null,
  stage: null,
  owner: null,
  kind: null,
  offset: 0,
  limit: FIRST_PAGE_SIZE,
};

/** An answer that can be taken once. */
class Once<T> {
  #answer: Promise<T> | null = null;

  set(answer: Promise<T>): void {
    // Whoever takes it handles a failure; one nobody takes must not be "unhandled".
    answer.catch(() => {});
    this.#answer = answer;
  }

  take(): Promise<T> | null {
    const answer = this.#answer;
    this.#answer = null;
    return answer;
  }
}

const status = new Once<StoreStatus>();
const prefs = new Once<Prefs>();
const firstPage = new Once<CustomerPage>();

/**
 * Sends the start-up requests: the prefs, and the store's status with the list's first page
 * in one answer (the backend reads both on one warm connection). No page when the store
 * isn't open: the list then asks for it itself.
 */
export function prefetch(): void {
  phase("prefetch");
  const answer = call<StartUp>("start_up", { first: FIRST_PAGE_QUERY });
  answer.then(
    () => phase("start-up-answered"),
    () => {},
  );
  prefs.set(call<Prefs>("get_prefs"));
  status.set(answer.then((a) => a.status));
  firstPage.set(
    answer.then((a) => a.first_page ?? Promise.reject(new Error("no first page: store not open"))),
  );
}

/** The prefetched store status, once; null after that or if nothing was prefetched. */
export function takeStatus(): Promise<StoreStatus> | null {
  return status.take();
}

/** The prefetched preferences, once. */
export function takePrefs(): Promise<Prefs> | null {
  return prefs.take();
}

/**
 * The prefetched first page, once, if `q` is the list's first request. It was asked before
 * the store's status was known, so it may have failed (locked, not set up): ask again then.
 */
export function takeFirstPage(q: CustomerQuery): Promise<CustomerPage> | null {
  const same = (Object.keys(FIRST_PAGE_QUERY) as (keyof CustomerQuery)[]).every(
    (k) => (q[k] ?? null) === FIRST_PAGE_QUERY[k],
  );
  // Taken by the first request whatever it is: a later one may come after edits.
  const answer = firstPage.take();
  return same ? answer : null;
}
