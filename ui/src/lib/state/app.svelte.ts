import * as api from "../api";
import { RapportError } from "../api";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { StoreStatus } from "../bindings/StoreStatus";
import { phase } from "../firstPaint";
import { takeStatus } from "../startup";

/** Which full-window screen to show. Derived from the backend's store status. */
export type Screen =
  | { name: "loading" }
  | { name: "setup"; dataDir: string; keychainAvailable: boolean }
  | { name: "unlock"; dataDir: string; keychain: boolean }
  | { name: "cannot_open"; dataDir: string | null; code: ErrorCode; message: string }
  | { name: "customers"; dataDir: string; customers: number };

export function screenFor(status: StoreStatus | null, failure: RapportError | null): Screen {
  if (failure) {
    return { name: "cannot_open", dataDir: null, code: failure.code, message: failure.message };
  }
  if (!status) return { name: "loading" };
  switch (status.status) {
    case "needs_setup":
      return {
        name: "setup",
        dataDir: status.data_dir,
        keychainAvailable: status.keychain_available,
      };
    case "needs_passphrase":
      return { name: "unlock", dataDir: status.data_dir, keychain: status.keychain === true };
    case "cannot_open":
      return {
        name: "cannot_open",
        dataDir: status.data_dir,
        code: status.code,
        message: status.message,
      };
    case "ready":
      return { name: "customers", dataDir: status.data_dir, customers: status.customers };
  }
}

/** App-wide state: the store's status and the actions that change it. */
export class AppState {
  status = $state<StoreStatus | null>(null);
  /** Set when we couldn't even ask the backend for the status. */
  failure = $state<RapportError | null>(null);

  screen: Screen = $derived(screenFor(this.status, this.failure));

  /** Asks the backend where we stand. Never throws; failures become a screen. */
  async load(): Promise<void> {
    try {
      phase("status-asked");
      this.status = await (takeStatus() ?? api.storeStatus());
      phase("status-arrived");
      this.failure = null;
    } catch (e) {
      this.failure = e instanceof RapportError ? e : api.toRapportError(e);
    }
  }

  /** Throws RapportError (e.g. `wrong_passphrase`) for the view to show. */
  async unlock(passphrase: string | null): Promise<void> {
    this.status = await api.unlock(passphrase);
  }

  /** `null` keeps the key in the system keychain. Throws RapportError. */
  async createStore(passphrase: string | null): Promise<void> {
    this.status = await api.createStore(passphrase);
  }
}
