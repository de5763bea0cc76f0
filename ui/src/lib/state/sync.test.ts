import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backend, calls, invokeMock, refused } from "../../test/backend";
import { emit, listenerCount, resetEvents } from "../../test/events";
import { SYNC_OFF, syncView } from "../../test/sync";
import { newForm } from "../sync/form";
import { SyncState } from "./sync.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => import("../../test/events"));

let state: SyncState | undefined;

beforeEach(() => {
  invokeMock.mockReset();
  resetEvents();
});
afterEach(() => state?.dispose());

const form = (overrides = {}) => ({
  ...newForm(),
  server: " https://sync.example.com ",
  email: "ada@example.com",
  password: "a long enough password",
  teamName: "Acme",
  ...overrides,
});

describe("SyncState", () => {
  it("follows the backend's status events, and reloads data when a sync took changes in", async () => {
    backend({ sync_status: () => SYNC_OFF });
    const onDataChanged = vi.fn();
    state = new SyncState({ onDataChanged });
    await state.start();
    expect(state.summary?.text).toBe("Sync: off");

    emit("sync-status", syncView({ outbox: 2 }, { error_code: "offline" }));
    expect(state.summary).toMatchObject({ text: "Offline", detail: "2 changes waiting" });
    emit("data-changed", null);
    expect(onDataChanged).toHaveBeenCalledOnce();

    state.dispose();
    expect(listenerCount("sync-status")).toBe(0);
    expect(listenerCount("data-changed")).toBe(0);
  });

  it("shows nothing while the store is locked", async () => {
    backend({ sync_status: refused("locked", "the store is locked") });
    state = new SyncState();
    state.view = syncView();
    await state.load();
    expect(state.summary).toBeNull();
  });

  it("creates a team with the form's fields, or joins one, or signs in", async () => {
    backend({ sync_register: () => syncView(), sync_login: () => syncView() });
    state = new SyncState();
    expect(await state.signIn(form())).toBe(true);
    expect(calls("sync_register")[0]?.[1]).toEqual({
      server: "https://sync.example.com",
      email: "ada@example.com",
      password: "a long enough password",
      deviceName: "This computer",
      teamName: "Acme",
      invite: null,
    });
    expect(state.view?.status.signed_in).toBe(true);

    await state.signIn(form({ mode: "join", invite: " CODE-1 " }));
    expect(calls("sync_register")[1]?.[1]).toMatchObject({ teamName: null, invite: "CODE-1" });

    await state.signIn(form({ mode: "signin" }));
    expect(calls("sync_login")[0]?.[1]).toEqual({
      server: "https://sync.example.com",
      email: "ada@example.com",
      password: "a long enough password",
      deviceName: "This computer",
    });
  });

  it("sends nothing while the form has problems", async () => {
    backend({});
    state = new SyncState();
    expect(await state.signIn(form({ server: "sync.example.com", password: "short" }))).toBe(false);
    expect(invokeMock).not.toHaveBeenCalled();
    expect(Object.keys(state.fieldErrors).sort()).toEqual(["password", "server"]);
  });

  it("says why a sign-in failed: by the field, or in words above the form", async () => {
    let answer = refused("unauthorized", "the email or password is not right");
    backend({ sync_login: () => answer() });
    state = new SyncState();
    expect(await state.signIn(form({ mode: "signin" }))).toBe(false);
    expect(state.signInFailure).toBe("The email or password is not right.");
    expect(state.fieldErrors).toEqual({});

    answer = refused("already_exists", "email: already has an account");
    await state.signIn(form({ mode: "signin" }));
    expect(state.fieldErrors).toEqual({ email: "Already has an account." });
    expect(state.signInFailure).toBeNull();
    expect(state.signingIn).toBe(false);
  });

  it("syncs now, keeps what moved, and reads the status again", async () => {
    let outbox = 3;
    backend({
      sync_now: () => {
        outbox = 0;
        return { pushed: 3, received: 1, from_snapshot: false };
      },
      sync_status: () => syncView({ outbox }),
    });
    state = new SyncState();
    await state.syncNow();
    expect(state.lastOutcome).toEqual({ pushed: 3, received: 1, from_snapshot: false });
    expect(state.view?.status.outbox).toBe(0);
    expect(state.syncingNow).toBe(false);
    expect(state.error).toBeNull();
  });

  it("reports a failed sync in words, and a lock to the app", async () => {
    let answer = refused("offline", "could not reach the sync server at https://x: refused");
    backend({ sync_now: () => answer(), sync_status: () => syncView() });
    const onLocked = vi.fn();
    state = new SyncState({ onLocked });
    await state.syncNow();
    expect(state.error).toBe("Could not reach the sync server at https://x: refused.");
    expect(onLocked).not.toHaveBeenCalled();
    answer = refused("locked", "the store is locked");
    await state.syncNow();
    expect(onLocked).toHaveBeenCalledOnce();
  });

  it("revokes a device and lists the devices again; makes invites; signs out", async () => {
    const device = {
      id: "d2",
      name: "Van",
      account_email: "rep@example.com",
      last_seen_at: null,
      revoked_at: null,
      this_device: false,
    };
    let revoked: string | null = null;
    backend({
      sync_devices: () => [{ ...device, revoked_at: revoked }],
      sync_revoke: ({ id }) => {
        revoked = "2026-11-22T10:00:00Z";
        expect(id).toBe("d2");
        return null;
      },
      sync_invite: () => ({ code: "ONE-USE", expires_at: "2026-11-29T10:00:00Z" }),
      sync_logout: () => syncView({ signed_in: false }),
    });
    state = new SyncState();
    await state.loadDevices();
    expect(state.devices?.[0]?.revoked_at).toBeNull();
    await state.revoke("d2");
    expect(state.devices?.[0]?.revoked_at).toBe("2026-11-22T10:00:00Z");
    expect(state.revoking).toBeNull();

    await state.createInvite();
    expect(state.invite?.code).toBe("ONE-USE");

    await state.signOut();
    expect(state.view?.status.signed_in).toBe(false);
    expect(state.devices).toBeNull();
    expect(state.invite).toBeNull();
  });

  it("shows why a device list or an invite could not be had", async () => {
    backend({
      sync_devices: refused("offline", "could not reach the sync server"),
      sync_invite: refused("sync_server", "the sync server said: only owners and admins invite"),
    });
    state = new SyncState();
    await state.loadDevices();
    expect(state.devicesError).toBe("Could not reach the sync server.");
    await state.createInvite();
    expect(state.inviteError).toBe("The sync server said: only owners and admins invite.");
    expect(state.inviting).toBe(false);
  });
});
