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
