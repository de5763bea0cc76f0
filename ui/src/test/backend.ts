// Test helpers: a scripted stand-in for the Rust commands behind `invoke`.
import { invoke } from "@tauri-apps/api/core";
import { vi } from "vitest";
import type { CustomerSummary } from "../lib/bindings/CustomerSummary";
import type { TodayItem } from "../lib/bindings/TodayItem";

export const invokeMock = vi.mocked(invoke);

type Handler = (args: Record<string, unknown>) => unknown;

/** The calls made so far of one command, with their arguments. */
export const calls = (command: string) => invokeMock.mock.calls.filter(([c]) => c === command);

/** A handler that answers as the backend refuses: its `{code, message}` error. */
export const refused = (code: string, message: string) => () => {
  throw { code, message };
};

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
    owner: null,
    last_contacted_at: null,
    ...overrides,
  };
}

/** Customers c0…c(n-1); `list_customers` pages through them like the backend does. */
export function customerPages(n: number): Handler {
  return (args) => {
    const q = args.query as { offset: number; limit: number };
    const items = [];
    for (let i = q.offset; i < Math.min(n, q.offset + q.limit); i++) {
      items.push(customer({ id: `c${i}`, display_name: `Customer ${i}` }));
    }
    return { items, total: n, total_is_lower_bound: false, offset: q.offset };
  };
}

export function todayItem(overrides: Partial<TodayItem> = {}): TodayItem {
  return {
    reason: "overdue",
    customer_id: "c1",
    customer_name: "Ada Lovelace",
    headline: "Get in touch",
    explanation: "overdue by 12 days — usually every 3 weeks",
    score: 1,
    followup_id: null,
    date: null,
    ...overrides,
  };
}
