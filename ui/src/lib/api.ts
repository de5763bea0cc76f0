// The only module that imports `invoke`. Typed functions per concept live here and in
// `api/*.ts` (which call `call`); components and state classes import those.
import { invoke } from "@tauri-apps/api/core";
import type { ApiError } from "./bindings/ApiError";
import type { CustomerSummary } from "./bindings/CustomerSummary";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { NewCustomer } from "./bindings/NewCustomer";
import type { StoreStatus } from "./bindings/StoreStatus";

// A Record (rather than an array) so the compiler flags any drift from the
// generated ErrorCode union.
const ERROR_CODES: Record<ErrorCode, true> = {
  invalid_input: true,
  not_found: true,
  ambiguous: true,
  already_exists: true,
  not_initialized: true,
  wrong_key: true,
  wrong_passphrase: true,
  passphrase_required: true,
  not_encrypted: true,
  corrupt: true,
  store_too_new: true,
  locked: true,
  keychain_unavailable: true,
  io: true,
  internal: true,
  cancelled: true,
  offline: true,
  unauthorized: true,
  client_outdated: true,
  sync_server: true,
  not_signed_in: true,
};

export class RapportError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RapportError";
    this.code = code;
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}

function isApiError(value: unknown): value is ApiError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return isErrorCode(v.code) && typeof v.message === "string";
}

/** Normalises whatever a failed command rejected with into a RapportError. */
export function toRapportError(reason: unknown): RapportError {
  if (reason instanceof RapportError) return reason;
  if (isApiError(reason)) return new RapportError(reason.code, reason.message, { cause: reason });
  let message: string;
  if (reason instanceof Error) message = reason.message;
  else if (typeof reason === "string") message = reason;
  else if (typeof reason === "object" && reason !== null && "message" in reason)
    message = String((reason as { message: unknown }).message);
  else message = "Something went wrong talking to Rapport's backend.";
  return new RapportError("internal", message, { cause: reason });
}

/** Calls a Rust command; per-concept modules in `api/` build on this. */
export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toRapportError(reason);
  }
}

export function storeStatus(): Promise<StoreStatus> {
  return call("store_status");
}

/** `null` re-opens a keychain store the user locked. */
export function unlock(passphrase: string | null): Promise<StoreStatus> {
  return call("unlock", { passphrase });
}

/** `null` keeps the key in the system keychain; a string protects the store with it. */
export function createStore(passphrase: string | null): Promise<StoreStatus> {
  return call("create_store", { passphrase });
}

export function addCustomer(input: NewCustomer): Promise<CustomerSummary> {
  return call("add_customer", { input });
}
