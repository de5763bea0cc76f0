import { describe, expect, it } from "vitest";
import { RapportError } from "../api";
import { SYNC_OFF, syncView } from "../../test/sync";
import {
  conflictsLabel,
  inviteValidity,
  outcomeWords,
  sentence,
  signInError,
  syncSummary,
  waitingLabel,
} from "./words";

const NOW = Date.parse("2026-11-22T10:05:00Z");

describe("sync words", () => {
  it("counts waiting changes", () => {
    expect(waitingLabel(0)).toBeNull();
    expect(waitingLabel(1)).toBe("1 change waiting");
    expect(waitingLabel(3)).toBe("3 changes waiting");
    expect(waitingLabel(1204)).toBe("1,204 changes waiting");
  });

  it("turns backend messages into sentences", () => {
    expect(sentence("the email or password is not right")).toBe(
      "The email or password is not right.",
    );
    expect(sentence("Already a sentence.")).toBe("Already a sentence.");
    expect(sentence("")).toBe("");
  });

  it("says when it last synced, and what waits", () => {
    expect(syncSummary(null, NOW)).toBeNull();
    expect(syncSummary(SYNC_OFF, NOW)).toEqual({
      text: "Sync: off",
      detail: null,
      conflicts: null,
      tone: "off",
    });
    expect(syncSummary(syncView({ last_sync_at: "2026-11-22T10:04:50Z" }), NOW)).toEqual({
      text: "Synced just now",
      detail: null,
      conflicts: null,
      tone: "ok",
    });
    expect(syncSummary(syncView({ outbox: 3 }), NOW)).toEqual({
      text: "Synced 5 minutes ago",
      detail: "3 changes waiting",
      conflicts: null,
      tone: "ok",
    });
    expect(syncSummary(syncView({ last_sync_at: null }), NOW)?.text).toBe("Not synced yet");
    expect(syncSummary(syncView({}, { syncing: true }), NOW)?.text).toBe("Syncing…");
  });

  it("counts conflicts to review, and marks a calm status as needing a look", () => {
    expect(conflictsLabel(0)).toBeNull();
    expect(conflictsLabel(1)).toBe("1 conflict to review");
    expect(conflictsLabel(2)).toBe("2 conflicts to review");
    expect(syncSummary(syncView({ conflicts: 1, outbox: 2 }), NOW)).toEqual({
      text: "Synced 5 minutes ago",
      detail: "2 changes waiting",
      conflicts: "1 conflict to review",
      tone: "warning",
    });
    // Signed out, the conflicts are still this device's to settle.
    const out = syncSummary(syncView({ signed_in: false, conflicts: 3 }), NOW);
    expect(out).toMatchObject({ conflicts: "3 conflicts to review", tone: "warning" });
    // A worse state keeps its own tone.
    const failed = syncView({ conflicts: 1, last_error: "boom" });
    expect(syncSummary(failed, NOW)).toMatchObject({ text: "Sync failed", tone: "error" });
    const busy = syncSummary(syncView({ conflicts: 1 }, { syncing: true }), NOW);
    expect(busy).toMatchObject({ conflicts: "1 conflict to review", tone: "busy" });
  });

  it("puts errors in words", () => {
    const offline = syncView(
      { outbox: 3, last_error: "could not reach the sync server at https://sync.example.com" },
      { error_code: "offline" },
    );
    expect(syncSummary(offline, NOW)).toEqual({
      text: "Offline",
      detail: "3 changes waiting",
      conflicts: null,
      tone: "warning",
    });
    const revoked = syncView({
      signed_in: false,
      last_error: "this device was signed out by an administrator",
    });
    expect(syncSummary(revoked, NOW)).toEqual({
      text: "Signed out",
      detail: "This device was signed out by an administrator.",
      conflicts: null,
      tone: "warning",
    });
    expect(syncSummary(syncView({ signed_in: false, outbox: 1 }), NOW)).toEqual({
      text: "Sync: signed out",
      detail: "1 change waiting",
      conflicts: null,
      tone: "off",
    });
    const old = syncView({ last_error: "too old" }, { error_code: "client_outdated" });
    expect(syncSummary(old, NOW)?.text).toBe("Update Rapport to sync");
    const refused = syncView({ last_error: "the sync server said: slow down" });
    expect(syncSummary(refused, NOW)).toEqual({
      text: "Sync failed",
      detail: "The sync server said: slow down.",
      conflicts: null,
      tone: "error",
    });
  });

  it("puts a failed sign-in next to the field it names, or above the form", () => {
    const short = new RapportError("invalid_input", "password: use at least 10 characters");
    expect(signInError(short, "https://x")).toEqual({
      field: "password",
      message: "Use at least 10 characters.",
    });
    const team = new RapportError("invalid_input", "team_name: must not be empty");
    expect(signInError(team, "https://x").field).toBe("teamName");
    const wrong = new RapportError("unauthorized", "the email or password is not right");
    expect(signInError(wrong, "https://x")).toEqual({
      field: null,
      message: "The email or password is not right.",
    });
    const offline = new RapportError("offline", "could not reach …");
    expect(signInError(offline, " http://10.0.0.2:8787 ").message).toBe(
      "Couldn't reach the sync server at http://10.0.0.2:8787. Check the address and your connection, then try again.",
    );
    const unknownField = new RapportError("invalid_input", "account: this store already syncs");
    expect(signInError(unknownField, "https://x").field).toBeNull();
  });

  it("describes what Sync now moved, and how long an invite lasts", () => {
    expect(outcomeWords({ pushed: 0, received: 0, from_snapshot: false })).toBe(
      "Up to date: nothing to send or receive.",
    );
    expect(outcomeWords({ pushed: 1, received: 14, from_snapshot: false })).toBe(
      "Sent 1 change and received 14.",
    );
    expect(outcomeWords({ pushed: 0, received: 1, from_snapshot: false })).toBe(
      "Received 1 change.",
    );
    expect(outcomeWords({ pushed: 3, received: 0, from_snapshot: false })).toBe("Sent 3 changes.");
    expect(outcomeWords({ pushed: 2, received: 1, from_snapshot: true })).toContain("first sync");
    expect(inviteValidity({ code: "abc", expires_at: null })).toBe("One use, valid 7 days.");
    expect(inviteValidity({ code: "abc", expires_at: "2026-11-29T10:00:00Z" })).toMatch(
      /^One use, valid 7 days \(until .*2026\)\.$/,
    );
  });
});
