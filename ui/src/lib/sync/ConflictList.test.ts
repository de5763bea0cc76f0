import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backend, calls, invokeMock } from "../../test/backend";
import { emit, resetEvents } from "../../test/events";
import { conflict, syncView } from "../../test/sync";
import type { SyncConflict } from "../bindings/SyncConflict";
import ConflictList from "./ConflictList.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => import("../../test/events"));

let app: Record<string, unknown> | undefined;

beforeEach(() => {
  invokeMock.mockReset();
  resetEvents();
});
afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = "";
});

const $ = <T extends HTMLElement = HTMLElement>(testid: string, root: ParentNode = document) =>
  root.querySelector<T>(`[data-testid="${testid}"]`);
const all = (testid: string) => [
  ...document.querySelectorAll<HTMLElement>(`[data-testid="${testid}"]`),
];
const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, " ").trim();

async function until(check: () => void) {
  await vi.waitFor(() => {
    flushSync();
    check();
  });
}

// Local time, so the words don't depend on the machine's time zone.
const AT = new Date(new Date().getFullYear(), 10, 3, 14, 5).toISOString();
const NAME = conflict({ losing_at: AT });
const NOTE = conflict({
  id: "0190b3c0-0000-7000-8000-0000000000d2:8",
  entity: "interaction",
  record_id: "i1",
  customer_id: null,
  record_label: "Note of 3 Nov on a deleted customer",
  field: "body",
  field_label: "note",
  current: "",
  losing: "Prefers calls\nafter 4 pm",
  losing_device: "this device",
  losing_at: AT,
});

function render(
  list: SyncConflict[] | (() => SyncConflict[]),
  handlers: Record<string, (a: Record<string, unknown>) => unknown> = {},
  props: Record<string, unknown> = {},
) {
  backend({
    sync_conflicts: () => (typeof list === "function" ? list() : list),
    resolve_conflict: () => null,
    ...handlers,
  });
  const onOpen = vi.fn();
  app = mount(ConflictList, { target: document.body, props: { onOpen, ...props } });
  return { onOpen };
}

describe("the conflict list", () => {
  it("shows each conflict's record, field, both values, and who lost when", async () => {
    const { onOpen } = render([NAME, NOTE]);
    await until(() => expect(all("sync-conflict")).toHaveLength(2));
    const [name, note] = all("sync-conflict");

    expect(text($("sync-conflict-record", name))).toBe("Ada Lovelace");
    expect(text(name)).toContain("· name");
    expect(text($("sync-conflict-current", name))).toBe("Ada Lovelace");
    expect(text($("sync-conflict-losing", name))).toBe("Ada Byron");
    expect(text($("sync-conflict-source", name))).toBe("Another device, 3 Nov 14:05");
    // The record opens its customer.
    const record = $("sync-conflict-record", name)!;
    expect(record.tagName).toBe("BUTTON");
    record.click();
    expect(onOpen).toHaveBeenCalledWith("c1");

    // A note of a customer who is gone: no link; an empty value says so; lines are kept.
    expect($("sync-conflict-record", note)!.tagName).toBe("SPAN");
    expect(text($("sync-conflict-current", note))).toBe("empty");
    expect($("sync-conflict-losing", note)?.textContent?.trim()).toBe("Prefers calls\nafter 4 pm");
    expect(text($("sync-conflict-source", note))).toBe("This device, 3 Nov 14:05");

    // Each button says which conflict it is about.
    const use = $("sync-conflict-use", name)!;
    const about = document.getElementById(use.getAttribute("aria-describedby")!);
    expect(text(about)).toBe("Ada Lovelace · name");
  });

  it("says there is nothing to review", async () => {
    render([]);
    await until(() => expect($("sync-conflicts-empty")).not.toBeNull());
    expect(text($("sync-conflicts-empty"))).toContain("Nothing to review");
    expect(all("sync-conflict")).toHaveLength(0);
  });

  it("uses the losing value: busy while settling, then gone, with the next one focused", async () => {
    let held = [NAME, NOTE];
    let settle: () => void = () => {};
    render(() => held, {
      resolve_conflict: ({ id }) =>
        new Promise<null>((r) => {
          settle = () => {
            held = held.filter((c) => c.id !== id);
            r(null);
          };
        }),
    });
    await until(() => expect(all("sync-conflict")).toHaveLength(2));

    const use = $<HTMLButtonElement>("sync-conflict-use", all("sync-conflict")[0])!;
    use.focus();
    use.click();
    flushSync();
    expect(calls("resolve_conflict")[0]?.[1]).toEqual({ id: NAME.id, useLosing: true });
    expect(use.getAttribute("aria-busy")).toBe("true");
    // One at a time: every other button waits.
    const others = all("sync-conflict-keep").concat(all("sync-conflict-use").slice(1));
    expect(others.every((b) => (b as HTMLButtonElement).disabled)).toBe(true);

    settle();
    await until(() => expect(all("sync-conflict")).toHaveLength(1));
    expect(text($("sync-conflict-settled"))).toBe("The name of Ada Lovelace is now “Ada Byron”.");
    expect($("sync-conflict-settled")?.getAttribute("role")).toBe("status");
    await until(() =>
      expect(document.activeElement).toBe($("sync-conflict-keep", all("sync-conflict")[0])),
    );

    // The last one: the keyboard goes back to the heading.
    $<HTMLButtonElement>("sync-conflict-keep")!.click();
    flushSync();
    settle();
    await until(() => expect($("sync-conflicts-empty")).not.toBeNull());
    expect(calls("resolve_conflict")[1]?.[1]).toEqual({ id: NOTE.id, useLosing: false });
    expect(text($("sync-conflict-settled"))).toContain("stays empty");
    await until(() => expect(document.activeElement?.id).toBe("sync-conflicts"));
  });

  it("puts a failure in words and keeps the conflict", async () => {
    render([NAME], {
      resolve_conflict: () => {
        throw { code: "internal", message: "the store could not be written" };
      },
    });
    await until(() => expect(all("sync-conflict")).toHaveLength(1));
    $<HTMLButtonElement>("sync-conflict-keep")!.click();
    await until(() => expect($("sync-conflict-failure")).not.toBeNull());
    expect(text($("sync-conflict-failure"))).toBe(
      "Couldn't settle the name of Ada Lovelace. The store could not be written.",
    );
    expect(all("sync-conflict")).toHaveLength(1);
    expect($<HTMLButtonElement>("sync-conflict-keep")!.disabled).toBe(false);
  });

  it("retries a list it couldn't read, and follows new conflicts from sync", async () => {
    let fail = true;
    let held: SyncConflict[] = [];
    render(() => {
      if (fail) throw { code: "internal", message: "the store could not be read" };
      return held;
    });
    await until(() => expect($("sync-conflicts-error")).not.toBeNull());
    expect(text($("sync-conflicts-error"))).toBe(
      "Couldn't read the conflicts. The store could not be read.",
    );
    fail = false;
    [...document.querySelectorAll("button")].find((b) => b.textContent === "Retry")!.click();
    await until(() => expect($("sync-conflicts-empty")).not.toBeNull());
    expect($("sync-conflicts-error")).toBeNull();

    held = [NAME];
    emit("sync-status", syncView({ conflicts: 1 }));
    await until(() => expect(all("sync-conflict")).toHaveLength(1));
  });

  it("focuses its heading when asked (the sidebar's conflicts line was clicked)", async () => {
    const onFocused = vi.fn();
    render([NAME], {}, { focus: true, onFocused });
    await until(() => expect(document.activeElement?.id).toBe("sync-conflicts"));
    expect(onFocused).toHaveBeenCalled();
  });
});
