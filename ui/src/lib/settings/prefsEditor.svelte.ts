import { toRapportError } from "../api";
import { DEFAULT_PREFS, type PrefsState } from "../state/prefs.svelte";
import {
  formFromPrefs,
  prefsFieldOf,
  prefsFromForm,
  type PrefsErrors,
  type PrefsForm,
} from "./prefsForm";

/**
 * The Settings form over the shared prefs. Changes save as they are made (as in the
 * system's own settings); a field that doesn't check out shows why and isn't saved.
 */
export class PrefsEditor {
  form = $state<PrefsForm>(formFromPrefs(DEFAULT_PREFS));
  errors = $state<PrefsErrors>({});
  /** A refusal that names no field. */
  failure = $state<string | null>(null);
  saving = $state(false);
  /** "Saved" after a save, for a quiet confirmation. */
  status = $state("");

  #prefs: PrefsState;

  constructor(prefs: PrefsState) {
    this.#prefs = prefs;
    this.form = formFromPrefs(prefs.current);
  }

  /** Back to the saved prefs (e.g. once they have loaded). */
  reset(): void {
    this.form = formFromPrefs(this.#prefs.current);
    this.errors = {};
    this.failure = null;
  }

  /** Checks and saves the whole form. Never throws. Resolves to whether it was saved. */
  async commit(): Promise<boolean> {
    const result = prefsFromForm(this.form);
    this.failure = null;
    this.status = "";
    if (!result.ok) {
      this.errors = result.errors;
      return false;
    }
    this.errors = {};
    this.saving = true;
    try {
      await this.#prefs.save(result.value);
      this.status = "Saved";
      return true;
    } catch (e) {
      const err = toRapportError(e);
      const field = err.code === "invalid_input" ? prefsFieldOf(err.message) : null;
      if (field) this.errors = { [field]: err.message };
      else this.failure = `Couldn't save your settings: ${err.message}`;
      return false;
    } finally {
      this.saving = false;
    }
  }
}
