import { toRapportError } from "../api";
import { eraseCustomer } from "../api/data";

/** Spaces don't count (a trailing one is easy to type); everything else must match. */
function normalise(text: string): string {
  return text.normalize("NFC").trim().replace(/\s+/g, " ");
}

/**
 * Erasing a customer for good: allowed only once the user has typed their name, because it
 * can't be undone.
 */
export class EraseConfirm {
  readonly id: string;
  readonly name: string;
  typed = $state("");
  busy = $state(false);
  error = $state<string | null>(null);

  matches = $derived.by(() => {
    const typed = normalise(this.typed);
    return typed !== "" && typed === normalise(this.name);
  });
  canErase = $derived(this.matches && !this.busy);

  #onLocked: (() => void) | undefined;

  constructor(customer: { id: string; name: string }, onLocked?: () => void) {
    this.id = customer.id;
    this.name = customer.name;
    this.#onLocked = onLocked;
  }

  /** Erases the customer; true when done. Never throws; see `error`. */
  async erase(): Promise<boolean> {
    if (!this.canErase) return false;
    this.busy = true;
    this.error = null;
    try {
      await eraseCustomer(this.id);
      return true;
    } catch (e) {
      const err = toRapportError(e);
      if (err.code === "locked") this.#onLocked?.();
      this.error = `Couldn't erase: ${err.message}`;
      return false;
    } finally {
      this.busy = false;
    }
  }
}
