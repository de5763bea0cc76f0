import type { Customer } from "../lib/bindings/Customer";
import type { CustomerDetail } from "../lib/bindings/CustomerDetail";
import type { Interaction } from "../lib/bindings/Interaction";
import type { NewCustomer } from "../lib/bindings/NewCustomer";

/** A minimal valid NewCustomer; override what a test cares about. */
export function newCustomer(overrides: Partial<NewCustomer> = {}): NewCustomer {
  return {
    kind: "person",
    name: "Ada",
    emails: [],
    phones: [],
    company: null,
    title: null,
    tags: [],
    birthday: null,
    keep_in_touch_days: null,
    preferred_channel: null,
    lifecycle_stage: null,
    notes: null,
    ...overrides,
  };
}

export function fullCustomer(overrides: Partial<Customer> = {}): Customer {
  return {
    id: "c1",
    kind: "person",
    display_name: "Ada Lovelace",
    given_name: "Ada",
    family_name: "Lovelace",
    company_id: null,
    company_name: null,
    title: null,
    emails: [],
    phones: [],
    addresses: [],
    tags: [],
    custom_fields: {},
    lifecycle_stage: "customer",
    lead_source: null,
    owner: null,
    birthday: null,
    important_dates: [],
    key_facts: [],
    how_we_met: null,
    preferred_channel: null,
    quiet_hours: null,
    keep_in_touch_days: null,
    keep_in_touch_max_days: null,
    notes: null,
    last_contacted_at: null,
    created_at: "2025-01-01T00:00:00Z",
    updated_at: "2025-01-01T00:00:00Z",
    ...overrides,
  };
}

export function interaction(overrides: Partial<Interaction> = {}): Interaction {
  return {
    id: "i1",
    customer_id: "c1",
    kind: "call",
    occurred_at: "2025-06-01T10:00:00Z",
    summary: "Called",
    body: null,
    amount: null,
    score: null,
    resolved_at: null,
    created_at: "2025-06-01T10:00:00Z",
    ...overrides,
  };
}

export function detail(overrides: Partial<CustomerDetail> = {}): CustomerDetail {
  return {
    customer: fullCustomer(),
    timeline: [],
    followups: [],
    deals: [],
    score: null,
    ...overrides,
  };
}
