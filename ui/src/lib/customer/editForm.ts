// The edit dialog's form, and its translation into the edit field language of
// crates/rapport-core/src/customers/edit.rs (`[field, value]` pairs; "" clears a field).
import type { Address } from "../bindings/Address";
import type { Channel } from "../bindings/Channel";
import type { Customer } from "../bindings/Customer";
import type { FactKind } from "../bindings/FactKind";
import type { LifecycleStage } from "../bindings/LifecycleStage";

export interface FactRow {
  kind: FactKind;
  label: string;
  value: string;
}
export interface DateRow {
  label: string;
  date: string;
}
export interface CustomRow {
  name: string;
  value: string;
}
export type AddressRow = { [K in keyof Address]: string };

export interface EditForm {
  name: string;
  given_name: string;
  family_name: string;
  company: string;
  title: string;
  emails: string;
  phones: string;
  owner: string;
  stage: LifecycleStage;
  lead_source: string;
  tags: string;
  birthday: string;
  how_we_met: string;
  channel: Channel | "";
  quiet_hours: string;
  keep_in_touch: string;
  keep_in_touch_max: string;
  notes: string;
  key_facts: FactRow[];
  important_dates: DateRow[];
  addresses: AddressRow[];
  custom: CustomRow[];
}

export type EditField = keyof EditForm;

const text = (v: string | null | undefined) => v ?? "";
const num = (v: number | null) => (v === null ? "" : String(v));

export function formFromCustomer(c: Customer): EditForm {
  return {
    name: c.display_name,
    given_name: text(c.given_name),
    family_name: text(c.family_name),
    company: text(c.company_name),
    title: text(c.title),
    emails: c.emails.map((e) => e.value).join(", "),
    phones: c.phones.map((p) => p.value).join(", "),
    owner: text(c.owner),
    stage: c.lifecycle_stage,
    lead_source: text(c.lead_source),
    tags: c.tags.join(", "),
    birthday: text(c.birthday),
    how_we_met: text(c.how_we_met),
    channel: c.preferred_channel ?? "",
    quiet_hours: c.quiet_hours ? `${c.quiet_hours.start}-${c.quiet_hours.end}` : "",
    keep_in_touch: num(c.keep_in_touch_days),
    keep_in_touch_max: num(c.keep_in_touch_max_days),
    notes: text(c.notes),
    key_facts: c.key_facts.map((f) => ({ ...f })),
    important_dates: c.important_dates.map((d) => ({ ...d })),
    addresses: c.addresses.map((a) => ({
      label: text(a.label),
      street: text(a.street),
      city: text(a.city),
      region: text(a.region),
      postal_code: text(a.postal_code),
      country: text(a.country),
    })),
    custom: Object.entries(c.custom_fields).map(([name, value]) => ({
      name,
      value: value ?? "",
    })),
  };
}

const SIMPLE: (keyof EditForm & string)[] = [
  "name",
  "given_name",
  "family_name",
  "company",
  "title",
  "emails",
  "phones",
  "owner",
  "stage",
  "lead_source",
  "tags",
  "birthday",
  "how_we_met",
  "channel",
  "quiet_hours",
  "keep_in_touch",
  "keep_in_touch_max",
  "notes",
];

const orNull = (v: string) => (v.trim() === "" ? null : v.trim());

function factsJson(rows: FactRow[]): string {
  const kept = rows.filter((r) => r.value.trim() !== "" || r.label.trim() !== "");
  return JSON.stringify(
    kept.map((r) => ({ kind: r.kind, label: r.label.trim(), value: r.value.trim() })),
  );
}

function datesJson(rows: DateRow[]): string {
  const kept = rows.filter((r) => r.label.trim() !== "" || r.date.trim() !== "");
  return JSON.stringify(kept.map((r) => ({ label: r.label.trim(), date: r.date.trim() })));
}

function addressesJson(rows: AddressRow[]): string {
  const kept = rows.filter((r) => Object.values(r).some((v) => v.trim() !== ""));
  return JSON.stringify(
    kept.map((r) => ({
      label: orNull(r.label),
      street: orNull(r.street),
      city: orNull(r.city),
      region: orNull(r.region),
      postal_code: orNull(r.postal_code),
      country: orNull(r.country),
    })),
  );
}

/** The edits that turn `before` into `after`: only fields that changed. */
export function editsBetween(before: EditForm, after: EditForm): [string, string][] {
  const edits: [string, string][] = [];
  for (const f of SIMPLE) {
    const a = String(before[f]).trim();
    const b = String(after[f]).trim();
    if (a !== b) edits.push([f, b]);
  }
  const lists: [string, string, string][] = [
    ["key_facts", factsJson(before.key_facts), factsJson(after.key_facts)],
    ["important_dates", datesJson(before.important_dates), datesJson(after.important_dates)],
    ["addresses", addressesJson(before.addresses), addressesJson(after.addresses)],
  ];
  for (const [field, a, b] of lists) if (a !== b) edits.push([field, b]);

  const old = new Map(before.custom.map((r) => [r.name.trim(), r.value.trim()]));
  const now = new Map(
    after.custom.filter((r) => r.name.trim() !== "").map((r) => [r.name.trim(), r.value.trim()]),
  );
  for (const [name, value] of now)
    if (old.get(name) !== value) edits.push([`custom.${name}`, value]);
  for (const name of old.keys()) if (!now.has(name)) edits.push([`custom.${name}`, ""]);
  return edits;
}

/** The backend's names for a field (and their aliases) mapped to the form's. */
const ERROR_FIELDS: Record<string, EditField> = {
  name: "name",
  display_name: "name",
  given_name: "given_name",
  family_name: "family_name",
  company: "company",
  title: "title",
  email: "emails",
  emails: "emails",
  phone: "phones",
  phones: "phones",
  owner: "owner",
  stage: "stage",
  lifecycle_stage: "stage",
  lead_source: "lead_source",
  tag: "tags",
  tags: "tags",
  birthday: "birthday",
  how_we_met: "how_we_met",
  channel: "channel",
  preferred_channel: "channel",
  quiet_hours: "quiet_hours",
  keep_in_touch: "keep_in_touch",
  keep_in_touch_days: "keep_in_touch",
  keep_in_touch_max: "keep_in_touch_max",
  keep_in_touch_max_days: "keep_in_touch_max",
  notes: "notes",
  key_facts: "key_facts",
  important_dates: "important_dates",
  addresses: "addresses",
  "custom field name": "custom",
};

/**
 * Which form field an `invalid_input` message ("birthday: `x` is not YYYY-MM-DD") is
 * about, and the problem without the field name; field null when it names none we show.
 */
export function errorField(message: string): { field: EditField | null; problem: string } {
  const m = /^([^:]+): (.*)$/s.exec(message);
  if (!m) return { field: null, problem: message };
  const name = m[1]!.trim();
  const field = name.startsWith("custom.") ? "custom" : (ERROR_FIELDS[name] ?? null);
  return field ? { field, problem: m[2]! } : { field: null, problem: message };
}
