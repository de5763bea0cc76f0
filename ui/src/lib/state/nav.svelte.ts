/** The shell's main views, in sidebar order (Ctrl/Cmd+1…6). */
export const VIEWS = [
  { name: "today", label: "Today" },
  { name: "customers", label: "Customers" },
  { name: "pipeline", label: "Pipeline" },
  { name: "insights", label: "Insights" },
  { name: "settings", label: "Settings" },
  { name: "cleanup", label: "Clean up" },
] as const;

/** Views reached from other views or a shortcut (Ctrl/Cmd+I), not from the sidebar. */
export const OTHER_VIEWS = [{ name: "import", label: "Import" }] as const;

export type ViewName = (typeof VIEWS)[number]["name"] | (typeof OTHER_VIEWS)[number]["name"];

/** A view's name in words, for Back buttons. */
export function viewLabel(view: ViewName): string {
  return [...VIEWS, ...OTHER_VIEWS].find((v) => v.name === view)?.label ?? "Back";
}

/** The list opens first: it is what most visits start from (and what start-up is measured by). */
export const START_VIEW: ViewName = "customers";

/** Where the shell is: a main view, and customer pages opened on top of it. */
export class NavState {
  view = $state<ViewName>(START_VIEW);
  /** Customer pages opened on top of `view`, newest last; Back pops one. */
  stack = $state<string[]>([]);
  /** Asks the customer list to focus its search box (consumed by the list view). */
  searchRequested = $state(false);
  /** Bumped whenever data changed (an interaction logged…), so shown views reload. */
  changes = $state(0);

  customerId = $derived(this.stack.at(-1) ?? null);

  go(view: ViewName): void {
    this.view = view;
    this.stack = [];
  }

  /** Switches by sidebar position, 1-based; false when there is no such view. */
  goNumber(n: number): boolean {
    const v = VIEWS[n - 1];
    if (!v) return false;
    this.go(v.name);
    return true;
  }

  openCustomer(id: string): void {
    if (this.customerId === id) return;
    this.stack = [...this.stack, id];
  }

  /** Back to the previous customer page, or to the view the first one was opened from. */
  back(): void {
    this.stack = this.stack.slice(0, -1);
  }

  /** Leaves customer pages and focuses the customer search. */
  focusSearch(): void {
    this.go("customers");
    this.searchRequested = true;
  }

  changed(): void {
    this.changes++;
  }
}
