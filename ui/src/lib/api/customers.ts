import { call } from "../api";
import type { CustomerPage } from "../bindings/CustomerPage";
import type { CustomerQuery } from "../bindings/CustomerQuery";

/** One page of customers matching the filter. */
export function listCustomers(q: CustomerQuery): Promise<CustomerPage> {
  return call("list_customers", { query: q });
}
