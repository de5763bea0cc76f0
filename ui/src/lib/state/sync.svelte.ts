import { toRapportError } from "../api";
import * as api from "../api/sync";
import type { SyncDevice } from "../bindings/SyncDevice";
import type { SyncInvite } from "../bindings/SyncInvite";
import type { SyncOutcome } from "../bindings/SyncOutcome";
import type { SyncView } from "../bindings/SyncView";
import { validate, type FieldErrors, type SignInForm } from "../sync/form";
import { sentence, signInError, syncSummary, type SignInField } from "../sync/words";
import { Listeners } from "./listeners";

/** How often the status is read again (the outbox grows with every edit; "5 minutes ago" ages). */
export const REFRESH_MS = 15_000;

interface Options {
  onLocked?: () => void;
  /** Another device's changes arrived: views showing data reload. */
  onDataChanged?: () => void;
}

/**
 * The sync account and status, for the sidebar's indicator and Settings → Sync. Follows
 * the backend's "sync-status" events; actions never throw (errors land in fields here).
 */
export class SyncState {
  view = $state.raw<SyncView | null>(null);
  /** The clock the relative times are read against; ticks with each refresh. */
  now = $state(Date.now());
  summary = $derived(syncSummary(this.view, this.now));

  /** "Sync now" pressed here and not finished yet. */
  syncingNow = $state(false);
  lastOutcome = $state.raw<SyncOutcome | null>(null);
  /** Sync now, sign out, or reading the status failed. */
  error = $state<string | null>(null);

  signingIn = $state(false);
  fieldErrors = $state.raw<FieldErrors>({});
  signInFailure = $state<string | null>(null);
  signingOut = $state(false);

  devices = $state.raw<SyncDevice[] | null>(null);
  devicesError = $state<string | null>(null);
  revoking = $state<string | null>(null);

  invite = $state.raw<SyncInvite | null>(null);
  inviting = $state(false);
  inviteError = $state<string | null>(null);

  #options: Options;
  #listeners = new Listeners();
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(options: Options = {}) {
    this.#options = options;
  }

  /** Loads the status, follows the backend's events and refreshes every REFRESH_MS. */
  async start(): Promise<void> {
    this.#timer = setInterval(() => void this.load(), REFRESH_MS);
    await this.#listeners.listen([
      api.onSyncStatus((view) => {
        this.view = view;
        this.now = Date.now();
      }),
      api.onDataChanged(() => this.#options.onDataChanged?.()),
    ]);
    await this.load();
  }

  dispose(): void {
    this.#listeners.dispose();
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Never throws: a locked store simply shows nothing. */
  async load(): Promise<void> {
    try {
      this.view = await api.syncStatus();
      this.now = Date.now();
    } catch (e) {
      const err = toRapportError(e);
      if (err.code === "locked") this.view = null;
    }
  }

  #fail(e: unknown): string {
    const err = toRapportError(e);
    if (err.code === "locked") this.#options.onLocked?.();
    return sentence(err.message);
  }

  async syncNow(): Promise<void> {
    if (this.syncingNow) return;
    this.syncingNow = true;
    this.error = null;
    try {
      this.lastOutcome = await api.syncNow();
    } catch (e) {
      // Offline and the like also show in the status line; say it here too, in words.
      this.error = this.#fail(e);
    } finally {
      this.syncingNow = false;
      await this.load();
    }
  }

  /** Checks the form, then creates the account (or not) and signs in. True when signed in. */
  async signIn(form: SignInForm): Promise<boolean> {
    this.fieldErrors = validate(form);
    this.signInFailure = null;
    if (Object.keys(this.fieldErrors).length > 0) return false;
    this.signingIn = true;
    const signIn = {
      server: form.server.trim(),
      email: form.email.trim(),
      password: form.password,
      deviceName: form.deviceName.trim(),
    };
    try {
      if (form.mode === "signin") this.view = await api.syncLogin(signIn);
      else {
        const join =
          form.mode === "create"
            ? { teamName: form.teamName.trim(), invite: null }
            : { teamName: null, invite: form.invite.trim() };
        this.view = await api.syncRegister(signIn, join);
      }
      this.error = null;
      this.devices = null;
      this.invite = null;
      return true;
    } catch (e) {
      const err = toRapportError(e);
      if (err.code === "locked") this.#options.onLocked?.();
      const { field, message } = signInError(err, form.server);
      if (field) this.fieldErrors = { [field]: message };
      else this.signInFailure = message;
      return false;
    } finally {
      this.signingIn = false;
    }
  }

  /** The user is fixing a field: its error goes until the next try. */
  clearFieldError(field: SignInField): void {
    if (!(field in this.fieldErrors)) return;
    const { [field]: _fixed, ...rest } = this.fieldErrors;
    this.fieldErrors = rest;
  }

  async signOut(): Promise<void> {
    this.signingOut = true;
    this.error = null;
    try {
      this.view = await api.syncLogout();
      this.devices = null;
      this.invite = null;
    } catch (e) {
      this.error = this.#fail(e);
    } finally {
      this.signingOut = false;
    }
  }

  async loadDevices(): Promise<void> {
    try {
      this.devices = await api.syncDevices();
      this.devicesError = null;
    } catch (e) {
      this.devicesError = this.#fail(e);
    }
  }

  async revoke(id: string): Promise<void> {
    this.revoking = id;
    this.devicesError = null;
    try {
      await api.syncRevoke(id);
    } catch (e) {
      this.devicesError = this.#fail(e);
    } finally {
      this.revoking = null;
    }
    await this.loadDevices();
  }

  async createInvite(): Promise<void> {
    this.inviting = true;
    this.inviteError = null;
    try {
      this.invite = await api.syncInvite();
    } catch (e) {
      this.inviteError = this.#fail(e);
    } finally {
      this.inviting = false;
    }
  }
}
