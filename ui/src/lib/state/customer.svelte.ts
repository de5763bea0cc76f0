import * as api from "../api";
import type { RapportError } from "../api";
import * as customersApi from "../api/customers";
import * as timeline from "../api/timeline";
import type { CustomerDetail } from "../bindings/CustomerDetail";

/** One customer's page: the detail and the actions taken on it. */
export class CustomerPageState {
  readonly id: string;
  detail = $state.raw<CustomerDetail | null>(null);
  loading = $state(false);
  /** Loading failed (shown instead of the page, or above it when it had loaded). */
  error = $state<RapportError | null>(null);
  /** An action failed (shown above the page, which stays). */
  actionError = $state<string | null>(null);
  deleted = $state(false);

  #seq = 0;
  #onLocked: (() => void) | undefined;

  constructor(id: string, onLocked?: () => void) {
    this.id = id;
    this.#onLocked = onLocked;
  }

  /** Fetches the customer; the previous detail stays shown meanwhile. Never throws. */
  async load(): Promise<void> {
    const seq = ++this.#seq;
    this.loading = true;
    try {
      const detail = await customersApi.getCustomer(this.id);
      if (seq !== this.#seq) return;
      this.detail = detail;
      this.error = null;
    } catch (e) {
      if (seq !== this.#seq) return;
      this.error = this.#check(e);
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  /**
   * Applies edits in the edit field language. Throws RapportError (`invalid_input` names
   * the field) for the form to show.
   */
  async edit(edits: [string, string][]): Promise<void> {
    if (edits.length === 0) return;
    try {
      await customersApi.editCustomer(this.id, edits);
    } catch (e) {
      throw this.#check(e);
    }
    await this.load();
  }

  /** Throws RapportError for the confirmation dialog to show. */
  async remove(): Promise<void> {
    try {
      await customersApi.deleteCustomer(this.id);
    } catch (e) {
      throw this.#check(e);
    }
    this.deleted = true;
  }

  resolveComplaint(interactionId: string): Promise<boolean> {
    return this.#act(() => timeline.resolveComplaint(interactionId));
  }

  /** `dueAt` is RFC 3339. Throws RapportError for the form to show. */
  async addFollowup(title: string, dueAt: string): Promise<void> {
    try {
      await timeline.addFollowup(this.id, title, dueAt);
    } catch (e) {
      throw this.#check(e);
    }
    await this.load();
  }

  completeFollowup(id: string): Promise<boolean> {
    return this.#act(() => timeline.completeFollowup(id));
  }

  snoozeFollowup(id: string, until: string): Promise<boolean> {
    return this.#act(() => timeline.snoozeFollowup(id, until));
  }

  /** Runs an action, then reloads; false (with `actionError` set) when it failed. */
  async #act(action: () => Promise<unknown>): Promise<boolean> {
    try {
      await action();
      this.actionError = null;
    } catch (e) {
      this.actionError = this.#check(e).message;
      return false;
    }
    await this.load();
    return true;
  }

  #check(e: unknown): RapportError {
    const err = api.toRapportError(e);
    if (err.code === "locked") this.#onLocked?.();
    return err;
  }
}
