import { toRapportError, type RapportError } from "../api";
import * as api from "../api/settings";
import type { Prefs } from "../bindings/Prefs";
import type { Theme } from "../bindings/Theme";
import { takePrefs } from "../startup";

/** What the backend uses when there is no prefs file yet. */
export const DEFAULT_PREFS: Prefs = {
  theme: "system",
  auto_lock_minutes: null,
  notifications: true,
  quiet_start: null,
  quiet_end: null,
  reminder_days: 7,
};

/** "light"/"dark" pin the window's theme (see app.css); "system" follows the OS. */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  if (theme === "system") delete root.dataset.theme;
  else root.dataset.theme = theme;
}

/** The user's preferences, loaded at startup (they are readable while the store is locked). */
export class PrefsState {
  current = $state.raw<Prefs>(DEFAULT_PREFS);
  loaded = $state(false);
  /** Loading failed; the defaults stay in effect. */
  error = $state<RapportError | null>(null);

  #saveSeq = 0;

  /** Never throws. Applies the theme. */
  async load(): Promise<void> {
    try {
      this.#set(await (takePrefs() ?? api.getPrefs()));
      this.error = null;
    } catch (e) {
      this.error = toRapportError(e);
    } finally {
      this.loaded = true;
    }
  }

  /**
   * Saves and applies the prefs. The theme changes at once; if the backend refuses, the
   * saved prefs come back and the RapportError (`invalid_input` names the field) is thrown.
   */
  async save(next: Prefs): Promise<Prefs> {
    const seq = ++this.#saveSeq;
    applyTheme(next.theme);
    try {
      const saved = await api.savePrefs(next);
      if (seq === this.#saveSeq) this.#set(saved);
      return saved;
    } catch (e) {
      if (seq === this.#saveSeq) applyTheme(this.current.theme);
      throw toRapportError(e);
    }
  }

  #set(prefs: Prefs): void {
    this.current = prefs;
    applyTheme(prefs.theme);
  }
}

/** The one instance the app and the Settings view share. */
export const prefs = new PrefsState();
