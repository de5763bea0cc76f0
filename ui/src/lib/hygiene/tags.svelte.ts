import { toRapportError } from "../api";
import * as api from "../api/hygiene";
import type { TagUsage } from "../bindings/TagUsage";
import { countLabel } from "../format";

/** Tag clean-up: every tag with its use count; rename (or merge into another), delete. */
export class TagsState {
  tags = $state.raw<TagUsage[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** What the last action did, in words. */
  status = $state<string | null>(null);
  busy = $state(false);

  unused = $derived(this.tags.filter((t) => t.customers === 0));

  #onLocked: (() => void) | undefined;
  #onChanged: (() => void) | undefined;

  constructor(options: { onLocked?: () => void; onChanged?: () => void } = {}) {
    this.#onLocked = options.onLocked;
    this.#onChanged = options.onChanged;
  }

  async load(): Promise<void> {
    try {
      this.tags = await api.tagUsage();
      this.error = null;
    } catch (e) {
      this.error = this.#message(e);
    } finally {
      this.loaded = true;
    }
  }

  /** Renames `from`; onto an existing tag, the two become one. Throws RapportError. */
  async rename(from: string, to: string): Promise<void> {
    const target = to.trim();
    const merging = this.tags.some((t) => t.tag === target && t.tag !== from);
    await this.#run(async () => {
      const n = await api.renameTag(from, target);
      this.status = merging
        ? `Merged “${from}” into “${target}” (${countLabel(n, "customer")}).`
        : `Renamed “${from}” to “${target}” (${countLabel(n, "customer")}).`;
    });
  }

  /** Removes the tag from everyone. Throws RapportError. */
  async remove(tag: string): Promise<void> {
    await this.#run(async () => {
      const n = await api.deleteTag(tag);
      this.status = `Deleted “${tag}”${n > 0 ? ` from ${countLabel(n, "customer")}` : ""}.`;
    });
  }

  async #run(work: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.status = null;
    try {
      await work();
    } catch (e) {
      const err = toRapportError(e);
      if (err.code === "locked") this.#onLocked?.();
      throw err;
    } finally {
      this.busy = false;
    }
    this.#onChanged?.();
    await this.load();
  }

  #message(e: unknown): string {
    const err = toRapportError(e);
    if (err.code === "locked") this.#onLocked?.();
    return err.message;
  }
}
