import * as api from "../api";
import * as timeline from "../api/timeline";
import { today } from "../api/today";
import type { TodayItem } from "../bindings/TodayItem";
import type { TodayList } from "../bindings/TodayList";
import type { TodayReason } from "../bindings/TodayReason";
import type { RapportError } from "../api";

export const TODAY_LIMIT = 100;

/** Today's groups, most pressing first. */
export const REASON_GROUPS: { reason: TodayReason; title: string }[] = [
  { reason: "overdue", title: "Overdue to get in touch" },
  { reason: "followup_overdue", title: "Follow-ups overdue" },
  { reason: "followup_due", title: "Follow-ups due today" },
  { reason: "due_soon", title: "Due soon" },
  { reason: "personal_date", title: "Birthdays and dates" },
];

export interface TodayGroup {
  reason: TodayReason;
  title: string;
  items: TodayItem[];
}

/** Ranked items split into REASON_GROUPS order, keeping their rank within each group. */
export function groupItems(items: TodayItem[]): TodayGroup[] {
  return REASON_GROUPS.map((g) => ({
    ...g,
    items: items.filter((i) => i.reason === g.reason),
  })).filter((g) => g.items.length > 0);
}

/** A nudge is a keep-in-touch reminder (snoozed per customer); the rest are follow-ups or dates. */
export function isNudge(item: TodayItem): boolean {
  return item.reason === "overdue" || item.reason === "due_soon";
}

/** A stable key for an item (a customer may have a nudge and follow-ups at once). */
export function itemKey(item: TodayItem): string {
  return `${item.reason}:${item.followup_id ?? item.customer_id}:${item.date ?? ""}`;
}

/** The Today list and its one-click actions. */
export class TodayState {
  list = $state.raw<TodayList | null>(null);
  loading = $state(false);
  error = $state<RapportError | null>(null);
  /** Items whose action is on its way. */
  busy = $state<string[]>([]);

  groups = $derived(groupItems(this.list?.items ?? []));
  /** Due items beyond the ones shown. */
  more = $derived(this.list ? Math.max(0, this.list.total - this.list.items.length) : 0);

  #seq = 0;
  #onLocked: (() => void) | undefined;

  constructor(onLocked?: () => void) {
    this.#onLocked = onLocked;
  }

  /** Fetches the list; the previous one stays on screen meanwhile. Never throws. */
  async load(): Promise<void> {
    const seq = ++this.#seq;
    this.loading = true;
    try {
      const list = await today(TODAY_LIMIT);
      if (seq !== this.#seq) return;
      this.list = list;
      this.error = null;
    } catch (e) {
      if (seq !== this.#seq) return;
      this.#fail(e);
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  /** Hides the item until `until` (RFC 3339): the follow-up, or the customer's nudge. */
  snooze(item: TodayItem, until: string): Promise<void> {
    return this.#act(item, () =>
      item.followup_id
        ? timeline.snoozeFollowup(item.followup_id, until)
        : timeline.snoozeNudge(item.customer_id, until),
    );
  }

  /** Marks a follow-up done. */
  done(item: TodayItem): Promise<void> {
    const id = item.followup_id;
    if (!id) return Promise.resolve();
    return this.#act(item, () => timeline.completeFollowup(id));
  }

  isBusy(item: TodayItem): boolean {
    return this.busy.includes(itemKey(item));
  }

  async #act(item: TodayItem, action: () => Promise<unknown>): Promise<void> {
    const key = itemKey(item);
    if (this.busy.includes(key)) return;
    this.busy = [...this.busy, key];
    try {
      await action();
      // Gone from the list right away; the reload brings the next ones up.
      if (this.list) {
        const items = this.list.items.filter((i) => itemKey(i) !== key);
        this.list = { items, total: Math.max(items.length, this.list.total - 1) };
      }
      this.error = null;
      void this.load();
    } catch (e) {
      this.#fail(e);
    } finally {
      this.busy = this.busy.filter((k) => k !== key);
    }
  }

  #fail(e: unknown): void {
    const err = api.toRapportError(e);
    this.error = err;
    if (err.code === "locked") this.#onLocked?.();
  }
}
