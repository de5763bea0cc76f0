import { toRapportError } from "../api";
import * as api from "../api/sync";
import type { SyncConflict } from "../bindings/SyncConflict";
import { sentence } from "../sync/words";
import { Listeners } from "./listeners";

interface Options {
  onLocked?: () => void;
}

/** "the name of Ada Lovelace", "the value of Deal “Renewal” (Acme Ltd)". */
function fieldOf(conflict: SyncConflict): string {
  return `the ${conflict.field_label} of ${conflict.record_label}`;
}

/** What settling a conflict did, in words: "The name of Ada Lovelace is now “Ada Byron”." */
export function settledWords(conflict: SyncConflict, useLosing: boolean): string {
  const value = useLosing ? conflict.losing : conflict.current;
  const shown = value === "" ? "empty" : `“${value}”`;
  return sentence(`${fieldOf(conflict)} ${useLosing ? "is now" : "stays"} ${shown}`);
}

/**
 * The conflicts kept for review (Settings → Sync): concurrent edits of an important field
 * that lost. Reads the list again when a sync changes the count or takes data in, so it
 * never shows a settled one for long. Actions never throw (errors land in fields here).
 */
export class ConflictsState {
  /** Newest first; null until first read. */
  list = $state.raw<SyncConflict[] | null>(null);
  /** Reading the list failed, in words. */
  error = $state<string | null>(null);
  /** The conflict being settled now, and how (one at a time: settling one can settle others). */
  resolving = $state.raw<{ id: string; useLosing: boolean } | null>(null);
  /** Why settling a conflict failed, in words, naming it. */
  failure = $state<string | null>(null);
  /** What the last settle did, in words. */
  settled = $state<string | null>(null);

  #options: Options;
  #listeners = new Listeners();
  /** Bumped per read: an older answer arriving late is dropped. */
  #reads = 0;

  constructor(options: Options = {}) {
    this.#options = options;
  }

  /** Reads the list and follows sync: a new count or new data means another read. */
  async start(): Promise<void> {
    await this.#listeners.listen([
      api.onSyncStatus((view) => {
        if (view.status.conflicts !== this.list?.length) void this.load();
      }),
      api.onDataChanged(() => void this.load()),
    ]);
    await this.load();
  }

  dispose(): void {
    this.#listeners.dispose();
  }

  async load(): Promise<void> {
    const read = ++this.#reads;
    try {
      const list = await api.syncConflicts();
      if (read !== this.#reads) return;
      this.list = list;
      this.error = null;
    } catch (e) {
      if (read !== this.#reads) return;
      this.error = `Couldn't read the conflicts. ${this.#words(e)}`;
    }
  }

  /**
   * Keeps the current value, or puts the losing one back (`useLosing`), for the whole team.
   * True when settled. Others of the same field go with it, so the list is read again.
   */
  async resolve(conflict: SyncConflict, useLosing: boolean): Promise<boolean> {
    if (this.resolving) return false;
    this.resolving = { id: conflict.id, useLosing };
    this.failure = null;
    this.settled = null;
    try {
      await api.resolveConflict(conflict.id, useLosing);
      this.list = this.list?.filter((c) => c.id !== conflict.id) ?? null;
      this.settled = settledWords(conflict, useLosing);
      return true;
    } catch (e) {
      this.failure =
        toRapportError(e).code === "not_found"
          ? sentence(`${fieldOf(conflict)} was already settled, perhaps on another device`)
          : `Couldn't settle ${fieldOf(conflict)}. ${this.#words(e)}`;
      return false;
    } finally {
      this.resolving = null;
      await this.load();
    }
  }

  #words(e: unknown): string {
    const err = toRapportError(e);
    if (err.code === "locked") this.#options.onLocked?.();
    return sentence(err.message);
  }
}
