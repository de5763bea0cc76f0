import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backend, calls, invokeMock } from "../../test/backend";
import { resetEvents } from "../../test/events";
import { conflict, SYNC_OFF, syncView } from "../../test/sync";
import type { SyncView } from "../bindings/SyncView";
import { SyncState } from "../state/sync.svelte";
import SyncSection from "./SyncSection.svelte";

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

const $ = <T extends HTMLElement = HTMLElement>(testid: string) =>
  document.querySelector<T>(`[data-testid="${testid}"]`);
const all = (testid: string) => [...document.querySelectorAll(`[data-testid="${testid}"]`)];
const text = () => document.body.textContent ?? "";

async function until(check: () => void) {
  await vi.waitFor(() => {
    flushSync();
    check();
  });
}

function type(testid: string, value: string) {
  const input = $<HTMLInputElement>(testid)!;
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

const DEVICES = [
  {
    id: "d1",
    name: "This computer",
    account_email: "ada@example.com",
    last_seen_at: new Date().toISOString(),
    revoked_at: null,
    this_device: true,
  },
  {
    id: "d2",
    name: "Rep's laptop",
    account_email: "rep@example.com",
    last_seen_at: null,
    revoked_at: null,
    this_device: false,
  },
];

function render(view: SyncView, handlers: Record<string, (a: Record<string, unknown>) => unknown>) {
  backend({
    sync_status: () => view,
    sync_devices: () => DEVICES,
    sync_conflicts: () => [],
    ...handlers,
  });
  const sync = new SyncState();
  app = mount(SyncSection, { target: document.body, props: { sync } });
  return sync;
}

describe("Settings → Sync", () => {
  it("creates a team from the form, then shows the account", async () => {
    let view = SYNC_OFF;
    render(view, {
      sync_status: () => view,
      sync_register: () => (view = syncView({ last_sync_at: null })),
    });
    await until(() => expect($("sync-sign-in")).not.toBeNull());
    expect($<HTMLInputElement>("sync-mode-create")!.checked).toBe(true);
    expect($<HTMLInputElement>("sync-device-name")!.value).toBe("This computer");

    type("sync-server", "sync.example.com");
    $("sync-sign-in-submit")!.click();
    flushSync();
    expect(text()).toContain("Start the address with https://");
    expect(calls("sync_register")).toHaveLength(0);

    expect(text()).toContain("Enter your email address.");
    type("sync-server", "https://sync.example.com");
    expect(text()).not.toContain("Start the address with https://");
    expect(text()).toContain("Enter your email address.");
    type("sync-email", "ada@example.com");
    expect(text()).not.toContain("Enter your email address.");
    type("sync-password", "a long enough password");
    type("sync-team-name", "Acme");
    $("sync-sign-in-submit")!.click();
    await until(() => expect($("sync-section")?.dataset.signedIn).toBe("true"));
    expect(calls("sync_register")[0]?.[1]).toMatchObject({ teamName: "Acme", invite: null });
    expect($("sync-account")?.textContent).toBe("ada@example.com");
    expect($("sync-status-line")?.textContent).toContain("Not synced yet");
  });

  it("asks for an invite code to join a team", async () => {
    render(SYNC_OFF, {});
    await until(() => expect($("sync-sign-in")).not.toBeNull());
    expect($("sync-invite")).toBeNull();
    $<HTMLInputElement>("sync-mode-join")!.click();
    flushSync();
    expect($("sync-team-name")).toBeNull();
    expect($("sync-invite")).not.toBeNull();
    expect($("sync-sign-in-submit")?.textContent).toContain("Join team and sign in");
  });

  it("shows a wrong password in words", async () => {
    render(syncView({ signed_in: false }), {
      sync_login: () => {
        throw { code: "unauthorized", message: "the email or password is not right" };
      },
    });
    await until(() => expect($("sync-sign-in")).not.toBeNull());
    expect($<HTMLInputElement>("sync-mode-signin")!.checked).toBe(true);
    expect($<HTMLInputElement>("sync-server")!.value).toBe("https://sync.example.com");
    type("sync-password", "wrong");
    $("sync-sign-in-submit")!.click();
    await until(() =>
      expect($("sync-sign-in-error")?.textContent).toBe("The email or password is not right."),
    );
  });

  it("says a revoked device was signed out, and offers to sign in again", async () => {
    render(
      syncView({ signed_in: false, last_error: "this device was signed out by an administrator" }),
      {},
    );
    await until(() => expect($("sync-signed-out-reason")).not.toBeNull());
    expect($("sync-signed-out-reason")?.textContent).toBe(
      "This device was signed out by an administrator.",
    );
    expect(text()).toContain("stay on this device");
    expect($("sync-sign-in")).not.toBeNull();
  });

  it("lists the devices; revoking one asks first, and this device has no Revoke", async () => {
    render(syncView(), { sync_revoke: () => null });
    await until(() => expect(all("sync-device")).toHaveLength(2));
    const [mine, theirs] = all("sync-device") as HTMLElement[];
    expect(mine!.textContent).toContain("This device");
    expect(mine!.querySelector('[data-testid="sync-device-revoke"]')).toBeNull();
    expect(theirs!.textContent).toContain("not seen yet");

    const revoke = theirs!.querySelector<HTMLButtonElement>('[data-testid="sync-device-revoke"]')!;
    expect(revoke.getAttribute("aria-label")).toBe("Revoke Rep's laptop");
    revoke.click();
    flushSync();
    expect(calls("sync_revoke")).toHaveLength(0);
    expect(text()).toContain("Revoke “Rep's laptop”?");
    $("sync-revoke-confirm")!.click();
    await until(() => expect(calls("sync_revoke")[0]?.[1]).toEqual({ id: "d2" }));
  });

  it("has a place for conflicts, and keeps showing them once signed out", async () => {
    render(syncView(), {});
    await until(() => expect($("sync-conflicts-empty")).not.toBeNull());
    expect($("sync-conflicts-heading")?.textContent?.trim()).toBe("Conflicts to review");
    if (app) unmount(app);
    document.body.innerHTML = "";

    // Signed out without conflicts: nothing about them.
    render(syncView({ signed_in: false }), {});
    await until(() => expect($("sync-sign-in")).not.toBeNull());
    expect($("sync-conflicts-heading")).toBeNull();
    if (app) unmount(app);
    document.body.innerHTML = "";

    render(syncView({ signed_in: false, conflicts: 1 }), { sync_conflicts: () => [conflict()] });
    await until(() => expect(all("sync-conflict")).toHaveLength(1));
    expect($("sync-sign-in")).not.toBeNull();
  });

  it("makes a one-use invite code to copy", async () => {
    render(syncView(), {
      sync_invite: () => ({ code: "ONE-USE-CODE", expires_at: "2026-11-29T10:00:00Z" }),
    });
    await until(() => expect($("sync-invite-create")).not.toBeNull());
    expect($("sync-invite-create")?.textContent).toContain("Invite a colleague");
    $("sync-invite-create")!.click();
    await until(() => expect($<HTMLInputElement>("sync-invite-code")?.value).toBe("ONE-USE-CODE"));
    expect($("sync-invite-validity")?.textContent).toContain("valid 7 days");
    expect($("sync-invite-copy")).not.toBeNull();
  });

  it("syncs now and signs out, saying the data stays", async () => {
    let view = syncView({ outbox: 2 });
    render(view, {
      sync_status: () => view,
      sync_now: () => {
        view = syncView();
        return { pushed: 2, received: 0, from_snapshot: false };
      },
      sync_logout: () => (view = syncView({ signed_in: false })),
    });
    await until(() => expect($("sync-status-line")?.textContent).toContain("2 changes waiting"));
    $("sync-now")!.click();
    await until(() => expect($("sync-outcome")?.textContent).toBe("Sent 2 changes."));
    expect($("sync-status-line")?.textContent).not.toContain("waiting");
    expect(text()).toContain("changes not yet synced stay on it");
    $("sync-sign-out")!.click();
    await until(() => expect($("sync-section")?.dataset.signedIn).toBe("false"));
    expect(calls("sync_logout")).toHaveLength(1);
  });
});
