// Customer commands: the paged list, its filter facets, one customer's page, edits.
import { call } from "../api";
import type { Customer } from "../bindings/Customer";
import type { CustomerDetail } from "../bindings/CustomerDetail";
import type { CustomerFacets } from "../bindings/CustomerFacets";
import type { CustomerPage } from "../bindings/CustomerPage";
import type { CustomerQuery } from "../bindings/CustomerQuery";

/** One page of the customers matching `q`, and how many match in all. */
export function listCustomers(q: CustomerQuery): Promise<CustomerPage> {
  return call("list_customers", { query: q });
}

/** Every tag and owner in use, for the list's filters. */
export function customerFacets(): Promise<CustomerFacets> {
  return call("customer_facets");
}

/** A customer with their timeline, open follow-ups, deals and lead score. */
export function getCustomer(id: string): Promise<CustomerDetail> {
  return call("get_customer", { id });
}

/**
 * Applies `[field, value]` edits in the edit field language (`name`, `stage`, `tags`,
 * `key_facts`, `custom.NAME`…); an empty value clears the field.
 */
export function editCustomer(id: string, edits: [string, string][]): Promise<Customer> {
  return call("edit_customer", { id, edits });
}

export function deleteCustomer(id: string): Promise<null> {
  return call("delete_customer", { id });
}
