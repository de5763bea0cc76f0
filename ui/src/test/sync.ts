// Test helpers for sync: a status as the backend reports it.
import type { SyncStatus } from "../lib/bindings/SyncStatus";
import type { SyncView } from "../lib/bindings/SyncView";

export function syncView(
  status: Partial<SyncStatus> = {},
  rest: Partial<Omit<SyncView, "status">> = {},
): SyncView {
  return {
    status: {
      server_url: "https://sync.example.com",
      account_email: "ada@example.com",
      team_id: "0190b3c0-0000-7000-8000-0000000000aa",
      signed_in: true,
      outbox: 0,
      conflicts: 0,
      cursor: 12,
      last_sync_at: "2026-11-22T10:00:00Z",
      last_error: null,
      ...status,
    },
    error_code: null,
    syncing: false,
    ...rest,
  };
}

/** Never signed in. */
export const SYNC_OFF: SyncView = syncView({
  server_url: null,
  account_email: null,
  team_id: null,
  signed_in: false,
  cursor: 0,
  last_sync_at: null,
});
