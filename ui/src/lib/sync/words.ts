// The sync status in words: the indicator's line, waiting counts, errors as sentences.
import type { RapportError } from "../api";
import type { SyncConflict } from "../bindings/SyncConflict";
import type { SyncInvite } from "../bindings/SyncInvite";
import type { SyncOutcome } from "../bindings/SyncOutcome";
import type { SyncView } from "../bindings/SyncView";
import { countLabel, dayAndTime, formatNumber, relativeTime } from "../format";

/** How the indicator looks: quiet when off, calm when fine, marked when it needs a look. */
export type SyncTone = "off" | "ok" | "busy" | "warning" | "error";

export interface SyncSummary {
  /** The first line: "Synced 5 minutes ago", "Offline". */
  text: string;
  /** A second line, or null: "3 changes waiting", why it failed. */
  detail: string | null;
  /** "2 conflicts to review", or null: the line that leads to the conflict list. */
  conflicts: string | null;
  tone: SyncTone;
}

/** Where the indicator leads in Settings: the Sync section, or its conflict list. */
export type SyncFocus = "section" | "conflicts";

/** "1 change waiting", "1,204 changes waiting"; null for none. */
export function waitingLabel(outbox: number): string | null {
  if (outbox <= 0) return null;
  return `${countLabel(outbox, "change")} waiting`;
}

/** "1 conflict to review", "3 conflicts to review"; null for none. */
export function conflictsLabel(conflicts: number): string | null {
  if (conflicts <= 0) return null;
  return `${countLabel(conflicts, "conflict")} to review`;
}

/** Who made the edit that lost, and when: "Another device, 3 Nov 14:05". */
export function losingSource(conflict: SyncConflict, now: Date = new Date()): string {
  const who = conflict.losing_device.charAt(0).toUpperCase() + conflict.losing_device.slice(1);
  const when = dayAndTime(conflict.losing_at, now);
  return when ? `${who}, ${when}` : who;
}

/** A backend message as a sentence: capital first letter, a full stop at the end. */
export function sentence(message: string): string {
  const m = message.trim();
  if (!m) return m;
  const first = m.charAt(0).toUpperCase() + m.slice(1);
  return /[.!?…]$/.test(first) ? first : `${first}.`;
}

/**
 * What the indicator says; null while nothing is known (loading, locked). Conflicts to
 * review add a line (kept even when signed out: they are this device's data) and mark a
 * calm status as needing a look.
 */
export function syncSummary(view: SyncView | null, now: number = Date.now()): SyncSummary | null {
  if (!view) return null;
  const conflicts = conflictsLabel(view.status.conflicts);
  const summary = { ...statusSummary(view, now), conflicts };
  if (conflicts && (summary.tone === "ok" || summary.tone === "off")) summary.tone = "warning";
  return summary;
}

function statusSummary(view: SyncView, now: number): Omit<SyncSummary, "conflicts"> {
  const { status } = view;
  const waiting = waitingLabel(status.outbox);
  if (!status.server_url) return { text: "Sync: off", detail: null, tone: "off" };
  if (!status.signed_in) {
    // Signed out by the server (revoked, or the token expired): it says why.
    if (status.last_error) {
      return { text: "Signed out", detail: sentence(status.last_error), tone: "warning" };
    }
    return { text: "Sync: signed out", detail: waiting, tone: "off" };
  }
  if (view.syncing) return { text: "Syncing…", detail: waiting, tone: "busy" };
  if (view.error_code === "offline") return { text: "Offline", detail: waiting, tone: "warning" };
  if (view.error_code === "client_outdated") {
    return { text: "Update Rapport to sync", detail: waiting, tone: "error" };
  }
  if (status.last_error) {
    return { text: "Sync failed", detail: sentence(status.last_error), tone: "error" };
  }
  if (!status.last_sync_at) return { text: "Not synced yet", detail: waiting, tone: "busy" };
  return {
    text: `Synced ${relativeTime(status.last_sync_at, new Date(now))}`,
    detail: waiting,
    tone: "ok",
  };
}

/** The fields of the sign-in form, by the names the backend's messages use. */
export const FIELD_NAMES = {
  server: "server",
  email: "email",
  password: "password",
  team_name: "teamName",
  invite: "invite",
  device_name: "deviceName",
} as const;

export type SignInField = (typeof FIELD_NAMES)[keyof typeof FIELD_NAMES];

/**
 * Where a failed sign-in's message goes: next to the field it names ("password: use at
 * least 10 characters"), or above the form, in words.
 */
export function signInError(
  err: RapportError,
  server: string,
): { field: SignInField | null; message: string } {
  if (err.code === "offline") {
    return {
      field: null,
      message: `Couldn't reach the sync server at ${server.trim()}. Check the address and your connection, then try again.`,
    };
  }
  const [, name = "", problem = ""] = /^([a-z_]+): (.+)$/s.exec(err.message) ?? [];
  if (name in FIELD_NAMES && ["invalid_input", "already_exists"].includes(err.code)) {
    return { field: FIELD_NAMES[name as keyof typeof FIELD_NAMES], message: sentence(problem) };
  }
  return { field: null, message: sentence(err.message) };
}

/** "Sent 2 changes and received 14." after Sync now. */
export function outcomeWords(outcome: SyncOutcome): string {
  const { pushed, received } = outcome;
  const first = outcome.from_snapshot ? " (this device's first sync, from the team's copy)" : "";
  if (pushed === 0 && received === 0) return `Up to date: nothing to send or receive${first}.`;
  const parts = [];
  if (pushed > 0) parts.push(`sent ${countLabel(pushed, "change")}`);
  if (received > 0) {
    parts.push(`received ${pushed > 0 ? formatNumber(received) : countLabel(received, "change")}`);
  }
  return sentence(`${parts.join(" and ")}${first}`);
}

// Made on first use: building a formatter is slow in WebKit, and this module loads at start.
let validUntil: Intl.DateTimeFormat | undefined;

/** "One use, valid 7 days (until 30 Nov 2026)." */
export function inviteValidity(invite: SyncInvite): string {
  const until = invite.expires_at ? Date.parse(invite.expires_at) : Number.NaN;
  const when = Number.isNaN(until)
    ? ""
    : ` (until ${(validUntil ??= new Intl.DateTimeFormat(undefined, { dateStyle: "medium" })).format(new Date(until))})`;
  return `One use, valid 7 days${when}.`;
}
