import { beforeEach, describe, expect, it, vi } from "vitest";
import { invokeMock } from "../../test/backend";
import { emit, resetEvents } from "../../test/events";
import { syncView } from "../../test/sync";
import {
  onDataChanged,
  onSyncStatus,
  resolveConflict,
  syncConflicts,
  syncDevices,
  syncInvite,
  syncLogin,
  syncLogout,
  syncNow,
  syncRegister,
  syncRevoke,
  syncStatus,
} from "./sync";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => import("../../test/events"));

beforeEach(() => {
  invokeMock.mockReset();
  invokeMock.mockResolvedValue(null);
  resetEvents();
});

describe("sync API wrappers", () => {
  it("use the commands' names and camelCase argument names", async () => {
    const signIn = {
      server: "https://s",
      email: "a@b",
      password: "pw",
      deviceName: "This computer",
    };
    await syncStatus();
    await syncNow();
    await syncRegister(signIn, { teamName: "Acme", invite: null });
    await syncLogin(signIn);
    await syncLogout();
    await syncDevices();
    await syncRevoke("d2");
    await syncInvite();
    await syncConflicts();
    await resolveConflict("d2:7", true);
    expect(invokeMock.mock.calls).toEqual([
      ["sync_status", undefined],
      ["sync_now", undefined],
      ["sync_register", { ...signIn, teamName: "Acme", invite: null }],
      ["sync_login", signIn],
      ["sync_logout", undefined],
      ["sync_devices", undefined],
      ["sync_revoke", { id: "d2" }],
      ["sync_invite", undefined],
      ["sync_conflicts", undefined],
      ["resolve_conflict", { id: "d2:7", useLosing: true }],
    ]);
  });

  it("follow the sync-status and data-changed events", async () => {
    const views: unknown[] = [];
    const changed = vi.fn();
    const stop = await onSyncStatus((v) => views.push(v));
    await onDataChanged(changed);
    emit("sync-status", syncView());
    emit("data-changed", null);
    expect(views).toEqual([syncView()]);
    expect(changed).toHaveBeenCalledOnce();
    stop();
    emit("sync-status", syncView());
    expect(views).toHaveLength(1);
  });
});
