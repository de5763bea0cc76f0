import { toRapportError, type RapportError } from "../api";
import * as api from "../api/import";
import type { ColumnMapping } from "../bindings/ColumnMapping";
import type { DateOrder } from "../bindings/DateOrder";
import type { ImportBatch } from "../bindings/ImportBatch";
import type { ImportOptions } from "../bindings/ImportOptions";
import type { ImportPreview } from "../bindings/ImportPreview";
import type { SavedMapping } from "../bindings/SavedMapping";
import type { TaskProgress } from "../bindings/TaskProgress";
import { isAbsolutePath } from "../data/files";
import { TaskRunner } from "../state/task.svelte";

/** file → what we detected and the mapping → preview → importing → done. */
export type WizardStep = "file" | "mapping" | "preview" | "importing" | "done";

export const STEPS: readonly { step: WizardStep; label: string }[] = [
  { step: "file", label: "File" },
  { step: "mapping", label: "Columns" },
  { step: "preview", label: "Preview" },
  { step: "importing", label: "Import" },
];

/**
 * The import wizard. Every change of encoding, mapping or date order asks the backend for a
 * fresh preview (a dry run), so the counts and the per-row report always match what Import
 * would do.
 */
export class ImportWizard {
  step = $state<WizardStep>("file");
  /** Absolute path of the file, typed or picked. */
  path = $state("");
  preview = $state.raw<ImportPreview | null>(null);
  /** A WHATWG label the user chose; null lets the backend detect it. */
  encoding = $state<string | null>(null);
  /** The user's mapping; null keeps the one the backend guessed. */
  mapping = $state.raw<ColumnMapping | null>(null);
  dateOrder = $state<DateOrder | null>(null);
  skipBadRows = $state(false);
  loading = $state(false);
  /** Why the preview (or starting the import) failed, in words. */
  error = $state<string | null>(null);
  /** How a cancelled or failed import ended, in words. */
  notice = $state<string | null>(null);
  /** Past imports, newest first. */
  batches = $state.raw<ImportBatch[]>([]);
  batchesError = $state<string | null>(null);
  mappings = $state.raw<SavedMapping[]>([]);
  /** The import just made, once it is done. */
  result = $state.raw<ImportBatch | null>(null);
  undoing = $state<string | null>(null);
  undoError = $state<string | null>(null);

  readonly task = new TaskRunner({ onFinished: (p) => void this.#finished(p) });

  /** Ambiguous day/month dates and no answer yet: the question must be answered. */
  needsDateOrder = $derived(this.preview?.needs_date_order === true && this.dateOrder === null);
  /** The mapping step is complete. */
  canContinue = $derived(this.preview !== null && !this.loading && !this.needsDateOrder);
  /** Rows that would be created or updated. */
  importable = $derived(this.preview ? this.preview.created + this.preview.updated : 0);
  /** Rows with errors hold the import back until the user chooses to skip them. */
  blockedByErrors = $derived((this.preview?.errors ?? 0) > 0 && !this.skipBadRows);
  canImport = $derived(
    this.canContinue && !this.blockedByErrors && this.importable > 0 && !this.task.running,
  );

  #seq = 0;
  #onLocked: (() => void) | undefined;
  #onImported: (() => void) | undefined;

  constructor(options: { onLocked?: () => void; onImported?: () => void } = {}) {
    this.#onLocked = options.onLocked;
    this.#onImported = options.onImported;
  }

  /** The options sent with a preview; `forImport` adds the user's "skip bad rows" choice. */
  options(forImport = false): ImportOptions {
    return {
      format: null,
      encoding: this.encoding,
      mapping: this.mapping,
      date_order: this.dateOrder,
      // Previews always count errors as errors, so the user sees what skipping would drop.
      skip_bad_rows: forImport && this.skipBadRows,
    };
  }

  /** Reads the file at `path` (or the typed one) and moves on to the mapping. */
  async open(path: string = this.path): Promise<boolean> {
    this.path = path.trim();
    this.notice = null;
    if (!isAbsolutePath(this.path)) {
      this.error = "path: give the full path of the file, starting with / (or a drive like C:\\).";
      return false;
    }
    this.encoding = null;
    this.mapping = null;
    this.dateOrder = null;
    this.skipBadRows = false;
    this.preview = null;
    const ok = await this.refresh();
    if (ok) this.step = "mapping";
    return ok;
  }

  /** Asks for a fresh preview with the current choices. Never throws; see `error`. */
  async refresh(): Promise<boolean> {
    const seq = ++this.#seq;
    this.loading = true;
    try {
      const preview = await api.importPreview(this.path, this.options());
      if (seq !== this.#seq) return false;
      this.preview = preview;
      this.error = null;
      return true;
    } catch (e) {
      if (seq !== this.#seq) return false;
      this.error = this.#check(e).message;
      return false;
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  setEncoding(encoding: string | null): Promise<boolean> {
    this.encoding = encoding;
    return this.refresh();
  }

  setDateOrder(order: DateOrder): Promise<boolean> {
    this.dateOrder = order;
    return this.refresh();
  }

  /** Maps `column` to `field` (null: don't import it). */
  setField(column: string, field: string | null): Promise<boolean> {
    const current = this.currentMapping();
    this.mapping = {
      columns: current.columns.map((c) => (c.column === column ? { column, field } : c)),
    };
    return this.refresh();
  }

  /** The mapping in use: the user's, or the one the backend guessed. */
  currentMapping(): ColumnMapping {
    if (this.mapping) return this.mapping;
    return {
      columns: (this.preview?.columns ?? []).map((c) => ({ column: c.column, field: c.field })),
    };
  }

  applyMapping(saved: SavedMapping): Promise<boolean> {
    this.mapping = saved.mapping;
    return this.refresh();
  }

  async loadMappings(): Promise<void> {
    try {
      this.mappings = await api.listMappings();
    } catch (e) {
      this.#check(e); // the list is a convenience: the wizard works without it
    }
  }

  /** Saves the current mapping under `name`. Throws RapportError for the form to show. */
  async saveMapping(name: string): Promise<void> {
    try {
      await api.saveMapping(name.trim(), this.currentMapping());
    } catch (e) {
      throw this.#check(e);
    }
    await this.loadMappings();
  }

  next(): void {
    if (this.step === "file" && this.preview) this.step = "mapping";
    else if (this.step === "mapping" && this.canContinue) this.step = "preview";
  }

  back(): void {
    if (this.step === "preview") this.step = "mapping";
    else if (this.step === "mapping") this.step = "file";
  }

  /** Starts the import as a background task. */
  async start(): Promise<void> {
    if (!this.canImport || !this.preview) return;
    this.notice = null;
    this.error = null;
    this.result = null;
    this.step = "importing";
    const options = this.options(true);
    await this.task.start(`Importing ${this.preview.file_name}`, () =>
      api.startImport(this.path, options),
    );
    if (this.task.error) {
      this.error = this.#check(this.task.error).message;
      this.step = "preview";
    }
  }

  cancel(): Promise<void> {
    return this.task.cancel();
  }

  async loadBatches(): Promise<void> {
    try {
      this.batches = await api.importBatches();
      this.batchesError = null;
    } catch (e) {
      this.batchesError = this.#check(e).message;
    }
  }

  /** Undoes an import: what it created goes, what it updated is put back. */
  async undo(batchId: string): Promise<boolean> {
    if (this.undoing) return false;
    this.undoing = batchId;
    this.undoError = null;
    try {
      const undone = await api.undoImport(batchId);
      if (this.result?.id === undone.id) this.result = undone;
      this.batches = this.batches.map((b) => (b.id === undone.id ? undone : b));
      this.#onImported?.();
      return true;
    } catch (e) {
      this.undoError = `Couldn't undo the import: ${this.#check(e).message}`;
      return false;
    } finally {
      this.undoing = null;
    }
  }

  /** Starts over with another file. */
  reset(): void {
    if (this.task.running) return;
    this.#seq++;
    this.step = "file";
    this.path = "";
    this.preview = null;
    this.encoding = null;
    this.mapping = null;
    this.dateOrder = null;
    this.skipBadRows = false;
    this.loading = false;
    this.error = null;
    this.notice = null;
    this.result = null;
    this.task.progress = null;
  }

  dispose(): void {
    this.#seq++;
    this.task.dispose();
  }

  async #finished(p: TaskProgress): Promise<void> {
    if (p.state === "done") {
      await this.loadBatches();
      const newest = this.batches[0];
      this.result = newest && newest.file_name === this.preview?.file_name ? newest : null;
      this.step = "done";
      this.#onImported?.();
    } else {
      // Cancelled or failed: the backend rolled everything back.
      this.notice =
        p.state === "cancelled"
          ? "Import cancelled. Nothing was changed."
          : `The import didn't finish, so nothing was changed: ${p.message ?? "unknown error"}`;
      this.step = "preview";
    }
  }

  #check(e: unknown): RapportError {
    const err = toRapportError(e);
    if (err.code === "locked") this.#onLocked?.();
    return err;
  }
}
