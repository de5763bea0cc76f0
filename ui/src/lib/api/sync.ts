import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { call } from "../api";
import type { SyncConflict } from "../bindings/SyncConflict";
import type { SyncDevice } from "../bindings/SyncDevice";
import type { SyncInvite } from "../bindings/SyncInvite";
import type { SyncOutcome } from "../bindings/SyncOutcome";
import type { SyncView } from "../bindings/SyncView";

/** Sent after every sync attempt, sign-in and sign-out. */
export const SYNC_STATUS_EVENT = "sync-status";
/** Sent when records changed behind the window (a sync took changes in, a conflict was
 * settled): views showing data reload. */
export const DATA_CHANGED_EVENT = "data-changed";

export function syncStatus(): Promise<SyncView> {
  return call("sync_status");
}

/** Syncs at once (after a sync in progress finishes). */
export function syncNow(): Promise<SyncOutcome> {
  return call("sync_now");
}

export interface SignIn {
  server: string;
  email: string;
  password: string;
  deviceName: string;
}

/** Creates an account — a new team (`teamName`) or joining one (`invite`) — then signs in. */
export function syncRegister(
  signIn: SignIn,
  join: { teamName: string | null; invite: string | null },
): Promise<SyncView> {
  return call("sync_register", { ...signIn, ...join });
}

export function syncLogin(signIn: SignIn): Promise<SyncView> {
  return call("sync_login", { ...signIn });
}

/** Signs this device out; its data and unsynced changes stay. */
export function syncLogout(): Promise<SyncView> {
  return call("sync_logout");
}

export function syncDevices(): Promise<SyncDevice[]> {
  return call("sync_devices");
}

/** Signs another device out of the team. */
export function syncRevoke(id: string): Promise<null> {
  return call("sync_revoke", { id });
}

/** A one-use code for a colleague (owners and admins). */
export function syncInvite(): Promise<SyncInvite> {
  return call("sync_invite");
}

/** Edits that lost to one made at once on another device, kept for review; newest first. */
export function syncConflicts(): Promise<SyncConflict[]> {
  return call("sync_conflicts");
}

/**
 * Settles a conflict for the whole team: keeps the current value, or puts the losing one
 * back (`useLosing`). Fails with `not_found` when it is already settled.
 */
export function resolveConflict(id: string, useLosing: boolean): Promise<null> {
  return call("resolve_conflict", { id, useLosing });
}

export function onSyncStatus(callback: (view: SyncView) => void): Promise<UnlistenFn> {
  return listen<SyncView>(SYNC_STATUS_EVENT, (event) => callback(event.payload));
}

export function onDataChanged(callback: () => void): Promise<UnlistenFn> {
  return listen(DATA_CHANGED_EVENT, () => callback());
}
