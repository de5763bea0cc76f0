// Test helpers for sync: a status as the backend reports it.
import type { SyncConflict } from "../lib/bindings/SyncConflict";
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

/** A customer's name changed on two devices at once; "Ada Byron" lost. */
export function conflict(overrides: Partial<SyncConflict> = {}): SyncConflict {
  return {
    id: "0190b3c0-0000-7000-8000-0000000000d2:7",
    entity: "customer",
    record_id: "c1",
    customer_id: "c1",
    record_label: "Ada Lovelace",
    field: "display_name",
    field_label: "name",
    current: "Ada Lovelace",
    losing: "Ada Byron",
    losing_device: "another device",
    losing_at: "2026-11-03T14:05:00Z",
    ...overrides,
  };
}
