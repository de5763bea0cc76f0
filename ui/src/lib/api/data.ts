// Privacy and backup: erasing a person, backing up and restoring the whole store.
import { call } from "../api";
import type { BackupInfo } from "../bindings/BackupInfo";
import type { StoreStatus } from "../bindings/StoreStatus";

/** Removes everything about a customer for good, leaving only a tombstone. */
export function eraseCustomer(id: string): Promise<null> {
  return call("erase_customer", { id });
}

/** Writes an encrypted, consistent copy of the store to `path` (absolute). */
export function backupNow(path: string): Promise<BackupInfo> {
  return call("backup_now", { path });
}

/**
 * Replaces the store with the backup at `path` (checked first; the current data is backed
 * up before anything is replaced) and reopens it.
 */
export function restoreBackup(path: string): Promise<StoreStatus> {
  return call("restore_backup", { path });
}
