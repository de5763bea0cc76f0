import { toRapportError } from "../api";

/**
 * One user action that calls the backend (export, backup…): whether it is running, how it
 * ended (`result`), or why it failed, in words (`error`).
 */
export class Action<T> {
  busy = $state(false);
  result = $state.raw<T | null>(null);
  error = $state<string | null>(null);

  #onLocked: (() => void) | undefined;

  constructor(onLocked?: () => void) {
    this.#onLocked = onLocked;
  }

  /** Runs `work` unless already running. Never throws; resolves to the result or null. */
  async run(work: () => Promise<T>): Promise<T | null> {
    if (this.busy) return null;
    this.busy = true;
    this.error = null;
    this.result = null;
    try {
      const result = await work();
      this.result = result;
      return result;
    } catch (e) {
      const err = toRapportError(e);
      if (err.code === "locked") this.#onLocked?.();
      this.error = err.message;
      return null;
    } finally {
      this.busy = false;
    }
  }

  /** Forgets how the last run ended. */
  clear(): void {
    this.result = null;
    this.error = null;
  }
}
