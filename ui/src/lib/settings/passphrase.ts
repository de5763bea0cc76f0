import type { RapportError } from "../api";

/** keychain → passphrase, a new passphrase, or passphrase → keychain. */
export type ProtectionAction = "set" | "change" | "remove";

export interface PassphraseForm {
  current: string;
  next: string;
  confirm: string;
}

export type PassphraseField = keyof PassphraseForm;
export type PassphraseErrors = Partial<Record<PassphraseField, string>>;

export const MIN_PASSPHRASE = 8;

export const emptyPassphraseForm = (): PassphraseForm => ({ current: "", next: "", confirm: "" });

/** Which fields an action asks for. */
export function fieldsFor(action: ProtectionAction): PassphraseField[] {
  switch (action) {
    case "set":
      return ["next", "confirm"];
    case "change":
      return ["current", "next", "confirm"];
    case "remove":
      return ["current"];
  }
}

/** What the user can fix before asking the backend; empty when all is well. */
export function checkPassphraseForm(
  action: ProtectionAction,
  form: PassphraseForm,
): PassphraseErrors {
  const errors: PassphraseErrors = {};
  const fields = fieldsFor(action);
  if (fields.includes("current") && form.current === "") {
    errors.current = "Enter your current passphrase.";
  }
  if (fields.includes("next")) {
    if (form.next.length < MIN_PASSPHRASE) {
      errors.next = `Use at least ${MIN_PASSPHRASE} characters.`;
    } else if (action === "change" && form.next === form.current) {
      errors.next = "The new passphrase is the same as the current one.";
    }
    if (form.confirm === "") errors.confirm = "Type the new passphrase again to confirm it.";
    else if (form.confirm !== form.next) errors.confirm = "The passphrases don't match.";
  }
  return errors;
}

/** The `change_protection` arguments: (current, next), null for the keychain side. */
export function protectionArgs(
  action: ProtectionAction,
  form: PassphraseForm,
): [string | null, string | null] {
  switch (action) {
    case "set":
      return [null, form.next];
    case "change":
      return [form.current, form.next];
    case "remove":
      return [form.current, null];
  }
}

/** A refusal in words, and the field it belongs to (null: show it above the form). */
export function protectionError(err: RapportError): {
  field: PassphraseField | null;
  message: string;
} {
  switch (err.code) {
    case "wrong_passphrase":
      return { field: "current", message: "That passphrase isn't right." };
    case "keychain_unavailable":
      return {
        field: null,
        message:
          "The system keychain isn't available, so the store keeps its passphrase protection.",
      };
    case "locked":
      return { field: null, message: "The store is locked. Unlock it and try again." };
    default:
      return { field: null, message: err.message };
  }
}
