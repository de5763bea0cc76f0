// Native open/save dialogs (tauri-plugin-dialog). They only hand back a path; reading and
// writing happen in Rapport's own commands, which check the path again.
import { open, save } from "@tauri-apps/plugin-dialog";
import { toRapportError } from "../api";

export interface FileFilter {
  name: string;
  /** Without the dot. */
  extensions: string[];
}

export const IMPORT_FILTERS: FileFilter[] = [
  { name: "Contacts (CSV, vCard)", extensions: ["csv", "vcf", "vcard", "txt"] },
];

export const BACKUP_FILTERS: FileFilter[] = [
  { name: "Rapport backup", extensions: ["rapport", "db"] },
  { name: "All files", extensions: ["*"] },
];

/** "rapport-backup-2026-11-22.rapport" for `now` (local day). */
export function backupFileName(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `rapport-backup-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.rapport`;
}

/** The file the user picked to read, or null when they closed the dialog. */
export async function pickOpen(title: string, filters: FileFilter[]): Promise<string | null> {
  try {
    const picked = await open({ title, multiple: false, directory: false, filters });
    return typeof picked === "string" ? picked : null;
  } catch (e) {
    throw toRapportError(e);
  }
}

/** Where the user chose to write, or null when they closed the dialog. */
export async function pickSave(
  title: string,
  defaultPath: string,
  filters: FileFilter[],
): Promise<string | null> {
  try {
    return await save({ title, defaultPath, filters });
  } catch (e) {
    throw toRapportError(e);
  }
}

/** True for a path the backend will take: absolute (Unix, Windows drive or UNC). */
export function isAbsolutePath(path: string): boolean {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path.trim());
}
