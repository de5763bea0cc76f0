// The sign-in form's model: what it asks for in each mode, and the checks made before
// anything is sent (the server checks again).
import type { SyncStatus } from "../bindings/SyncStatus";
import type { SignInField } from "./words";

export type SignInMode = "create" | "join" | "signin";

export const MODES: { value: SignInMode; label: string; submit: string }[] = [
  { value: "create", label: "Create a new team", submit: "Create team and sign in" },
  { value: "join", label: "Join a team with an invite code", submit: "Join team and sign in" },
  { value: "signin", label: "Sign in to an existing account", submit: "Sign in" },
];

/** The server's minimum for a new account's password. */
export const MIN_PASSWORD = 10;
export const DEFAULT_DEVICE_NAME = "This computer";

export interface SignInForm {
  mode: SignInMode;
  server: string;
  email: string;
  password: string;
  teamName: string;
  invite: string;
  deviceName: string;
}

export type FieldErrors = Partial<Record<SignInField, string>>;

/** A fresh form; a device that was signed in before starts from its server and account. */
export function newForm(status: SyncStatus | null = null): SignInForm {
  return {
    mode: status?.server_url ? "signin" : "create",
    server: status?.server_url ?? "",
    email: status?.account_email ?? "",
    password: "",
    teamName: "",
    invite: "",
    deviceName: DEFAULT_DEVICE_NAME,
  };
}

export function submitLabel(mode: SignInMode): string {
  return MODES.find((m) => m.value === mode)?.submit ?? "Sign in";
}

/** Problems to fix before sending, by field; empty when the form can go. */
export function validate(form: SignInForm): FieldErrors {
  const errors: FieldErrors = {};
  const server = form.server.trim();
  if (!server) errors.server = "Enter the sync server's address.";
  else if (!/^https?:\/\/\S+$/i.test(server)) {
    errors.server = "Start the address with https:// (or http:// on your own network).";
  }
  if (!form.email.trim()) errors.email = "Enter your email address.";
  else if (!form.email.includes("@")) errors.email = "Enter an address like name@example.com.";
  if (!form.password) errors.password = "Enter your password.";
  else if (form.mode !== "signin" && [...form.password].length < MIN_PASSWORD) {
    errors.password = `Use at least ${MIN_PASSWORD} characters.`;
  }
  if (form.mode === "create" && !form.teamName.trim()) errors.teamName = "Name your team.";
  if (form.mode === "join" && !form.invite.trim()) {
    errors.invite = "Paste the invite code you were given.";
  }
  if (!form.deviceName.trim()) errors.deviceName = "Name this device, e.g. “Work laptop”.";
  return errors;
}
