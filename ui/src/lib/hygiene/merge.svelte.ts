import { toRapportError } from "../api";
import { getCustomer } from "../api/customers";
import { mergeCustomers, type MergeSide } from "../api/hygiene";
import type { Customer } from "../bindings/Customer";
import type { DuplicatePair } from "../bindings/DuplicatePair";
import type { MergeResult } from "../bindings/MergeResult";
import { compareFields, isChoice } from "./fields";

/**
 * Merging one suggested pair: both customers side by side and, for each field that differs,
 * whose value to keep. The survivor keeps its id (and gets the duplicate's timeline).
 */
export class MergePick {
  readonly pair: DuplicatePair;
  /** Loaded in full: the pair only carries summaries. */
  survivor = $state.raw<Customer | null>(null);
  duplicate = $state.raw<Customer | null>(null);
  /** Per differing field: whose value wins. */
  picks = $state<Record<string, MergeSide>>({});
  loading = $state(false);
  merging = $state(false);
  error = $state<string | null>(null);

  fields = $derived.by(() =>
    this.survivor && this.duplicate ? compareFields(this.survivor, this.duplicate) : [],
  );
  choices = $derived(this.fields.filter(isChoice));
  canMerge = $derived(this.survivor !== null && this.duplicate !== null && !this.merging);

  #onLocked: (() => void) | undefined;

  constructor(pair: DuplicatePair, onLocked?: () => void) {
    this.pair = pair;
    this.#onLocked = onLocked;
  }

  /** Fetches both customers. Never throws; see `error`. */
  async load(): Promise<void> {
    this.loading = true;
    try {
      const [a, b] = await Promise.all([getCustomer(this.pair.a.id), getCustomer(this.pair.b.id)]);
      this.survivor = a.customer;
      this.duplicate = b.customer;
      this.#defaultPicks();
      this.error = null;
    } catch (e) {
      this.error = this.#message(e);
    } finally {
      this.loading = false;
    }
  }

  pick(field: string, side: MergeSide): void {
    this.picks = { ...this.picks, [field]: side };
  }

  /** Keeps the other record (its id and links); the picks start over. */
  swap(): void {
    [this.survivor, this.duplicate] = [this.duplicate, this.survivor];
    this.#defaultPicks();
  }

  /** Merges; resolves to the result, or null with `error` set. */
  async merge(): Promise<MergeResult | null> {
    if (!this.canMerge || !this.survivor || !this.duplicate) return null;
    this.merging = true;
    this.error = null;
    try {
      return await mergeCustomers(this.duplicate.id, this.survivor.id, { ...this.picks });
    } catch (e) {
      this.error = this.#message(e);
      return null;
    } finally {
      this.merging = false;
    }
  }

  /** The survivor's value, unless it has none and the duplicate has one. */
  #defaultPicks(): void {
    const picks: Record<string, MergeSide> = {};
    for (const f of this.choices) picks[f.key] = f.survivor === "" ? "duplicate" : "survivor";
    this.picks = picks;
  }

  #message(e: unknown): string {
    const err = toRapportError(e);
    if (err.code === "locked") this.#onLocked?.();
    return err.message;
  }
}
