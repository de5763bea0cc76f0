import { toRapportError } from "../api";
import * as api from "../api/hygiene";
import type { DuplicatePair } from "../bindings/DuplicatePair";
import type { MergeRecord } from "../bindings/MergeRecord";

/** How many suggestions the view asks for at a time. */
export const DUPLICATE_LIMIT = 50;

/** The suggested duplicate pairs and the merges made so far. */
export class DuplicatesState {
  pairs = $state.raw<DuplicatePair[]>([]);
  merges = $state.raw<MergeRecord[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** An action (dismiss, undo) failed. */
  actionError = $state<string | null>(null);
  busy = $state<string | null>(null);

  #onLocked: (() => void) | undefined;

  constructor(onLocked?: () => void) {
    this.#onLocked = onLocked;
  }

  async load(): Promise<void> {
    try {
      const [pairs, merges] = await Promise.all([api.duplicates(DUPLICATE_LIMIT), api.merges()]);
      this.pairs = pairs;
      this.merges = merges;
      this.error = null;
    } catch (e) {
      this.error = this.#message(e);
    } finally {
      this.loaded = true;
    }
  }

  /** "Not a duplicate": the pair disappears and isn't suggested again. */
  async dismiss(pair: DuplicatePair): Promise<boolean> {
    return this.#act(`dismiss:${pair.a.id}:${pair.b.id}`, async () => {
      await api.dismissDuplicate(pair.a.id, pair.b.id);
      this.pairs = this.pairs.filter((p) => p !== pair);
    });
  }

  /** Puts both customers back as they were before the merge. */
  async undo(mergeId: string): Promise<boolean> {
    return this.#act(mergeId, async () => {
      const undone = await api.undoMerge(mergeId);
      this.merges = this.merges.map((m) => (m.id === undone.id ? undone : m));
      this.pairs = await api.duplicates(DUPLICATE_LIMIT);
    });
  }

  async #act(key: string, work: () => Promise<void>): Promise<boolean> {
    if (this.busy) return false;
    this.busy = key;
    this.actionError = null;
    try {
      await work();
      return true;
    } catch (e) {
      this.actionError = this.#message(e);
      return false;
    } finally {
      this.busy = null;
    }
  }

  #message(e: unknown): string {
    const err = toRapportError(e);
    if (err.code === "locked") this.#onLocked?.();
    return err.message;
  }
}
