// Words for what the import preview reports in codes.
import type { CsvSource } from "../bindings/CsvSource";
import type { ImportFormat } from "../bindings/ImportFormat";
import type { ImportRowAction } from "../bindings/ImportRowAction";

export const FORMAT_LABELS: Record<ImportFormat, string> = {
  csv: "CSV (spreadsheet)",
  vcard: "vCard (contact cards)",
};

export const SOURCE_LABELS: Record<CsvSource, string> = {
  google: "Google Contacts",
  google_legacy: "Google Contacts (older export)",
  outlook: "Outlook",
  hubspot: "HubSpot",
  salesforce: "Salesforce",
  generic: "Other (columns guessed from their names)",
  custom: "Your own mapping",
};

export const ACTION_LABELS: Record<ImportRowAction, string> = {
  create: "New",
  update: "Update",
  unchanged: "Unchanged",
  skip: "Skip",
  error: "Error",
};

const DELIMITERS: Record<string, string> = {
  ",": "Comma",
  ";": "Semicolon",
  "\t": "Tab",
  "|": "Vertical bar",
};

export function delimiterLabel(delimiter: string | null): string {
  if (delimiter === null) return "—";
  return DELIMITERS[delimiter] ?? `“${delimiter}”`;
}

const FIELDS: Record<string, string> = {
  name: "Name",
  given_name: "First name",
  family_name: "Last name",
  company: "Company",
  title: "Job title",
  email: "Email",
  phone: "Phone",
  tags: "Tags",
  birthday: "Birthday",
  notes: "Notes",
  lead_source: "Lead source",
  owner: "Owner",
  stage: "Stage",
  external_id: "ID in the other app",
  "address.street": "Street",
  "address.city": "City",
  "address.region": "Region",
  "address.postal_code": "Postal code",
  "address.country": "Country",
};

/** "email:work" -> "Email (work)", "address.city:home" -> "City (home)", "custom.Shoe" -> "Custom: Shoe". */
export function fieldLabel(field: string): string {
  if (field.startsWith("custom.")) return `Custom: ${field.slice("custom.".length)}`;
  const colon = field.indexOf(":");
  const base = colon < 0 ? field : field.slice(0, colon);
  const label = FIELDS[base] ?? base;
  return colon < 0 ? label : `${label} (${field.slice(colon + 1)})`;
}
