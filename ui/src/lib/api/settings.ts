import { call } from "../api";
import type { Prefs } from "../bindings/Prefs";
import type { StoreInfo } from "../bindings/StoreInfo";
import type { StoreStatus } from "../bindings/StoreStatus";

/** Works while the store is locked (prefs are not secret). */
export function getPrefs(): Promise<Prefs> {
  return call("get_prefs");
}

export function savePrefs(prefs: Prefs): Promise<Prefs> {
  return call("save_prefs", { prefs });
}

export function storeInfo(): Promise<StoreInfo> {
  return call("store_info");
}

/**
 * keychain → passphrase: `(null, next)`; change: `(current, next)`; passphrase → keychain:
 * `(current, null)`. A wrong `current` rejects with `wrong_passphrase`.
 */
export function changeProtection(current: string | null, next: string | null): Promise<StoreInfo> {
  return call("change_protection", { current, next });
}

export function lock(): Promise<StoreStatus> {
  return call("lock");
}
