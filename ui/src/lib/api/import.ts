// Import commands: preview a file (a dry run), import it as a background task, undo a batch,
// and the saved column mappings.
import { call } from "../api";
import type { ColumnMapping } from "../bindings/ColumnMapping";
import type { ImportBatch } from "../bindings/ImportBatch";
import type { ImportOptions } from "../bindings/ImportOptions";
import type { ImportPreview } from "../bindings/ImportPreview";
import type { SavedMapping } from "../bindings/SavedMapping";

/** What importing `path` (absolute) would do, row by row; changes nothing. */
export function importPreview(path: string, options: ImportOptions): Promise<ImportPreview> {
  return call("import_preview", { path, options });
}

/**
 * Imports `path` in the background; resolves to the task's id ("task-progress" events,
 * `cancelTask(id)` rolls everything back).
 */
export function startImport(path: string, options: ImportOptions): Promise<string> {
  return call("start_import", { path, options });
}

/** Past imports, newest first. */
export function importBatches(): Promise<ImportBatch[]> {
  return call("import_batches");
}

/** Undoes an import (its creations and its updates); `null` undoes the latest. */
export function undoImport(batchId: string | null): Promise<ImportBatch> {
  return call("undo_import", { batchId });
}

export function listMappings(): Promise<SavedMapping[]> {
  return call("list_mappings");
}

/** Saves (or replaces) a mapping under `name`. */
export function saveMapping(name: string, mapping: ColumnMapping): Promise<SavedMapping> {
  return call("save_mapping", { name, mapping });
}

export function deleteMapping(name: string): Promise<null> {
  return call("delete_mapping", { name });
}
