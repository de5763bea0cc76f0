// Test helpers: a scripted stand-in for the Rust commands behind `invoke`.
import { invoke } from "@tauri-apps/api/core";
import { vi } from "vitest";
import type { CustomerSummary } from "../lib/bindings/CustomerSummary";

export const invokeMock = vi.mocked(invoke);

type Handler = (args: Record<string, unknown>) => unknown;

/** Routes each command to a handler; an unknown command fails the test loudly. */
export function backend(handlers: Record<string, Handler>): void {
  invokeMock.mockImplementation(async (command: string, args?: unknown) => {
    const handler = handlers[command];
    if (!handler) throw new Error(`unexpected command ${command}`);
    return handler((args ?? {}) as Record<string, unknown>);
  });
}

export function customer(overrides: Partial<CustomerSummary> = {}): CustomerSummary {
  return {
    id: "c1",
    kind: "person",
    display_name: "Ada Lovelace",
    company_name: null,
    primary_email: "ada@example.com",
    primary_phone: null,
    tags: [],
    lifecycle_stage: "customer",
    last_contacted_at: null,
    ...overrides,
  };
}
