// The fields a merge compares, named in the edit field language (the merge's `pick` keys).
import type { Customer } from "../bindings/Customer";
import type { Labeled } from "../bindings/Labeled";
import { STAGE_LABELS } from "../customers/labels";
import { personalDate } from "../format";

export interface MergeField {
  key: string;
  label: string;
  survivor: string;
  duplicate: string;
  /** Lists (emails, phones, tags, addresses) are combined, not picked. */
  combined: boolean;
}

const labeled = (items: Labeled[]) =>
  items.map((i) => (i.label ? `${i.value} (${i.label})` : i.value)).join(", ");

const SINGLE: { key: string; label: string; read: (c: Customer) => string }[] = [
  { key: "name", label: "Name", read: (c) => c.display_name },
  { key: "given_name", label: "First name", read: (c) => c.given_name ?? "" },
  { key: "family_name", label: "Last name", read: (c) => c.family_name ?? "" },
  { key: "company", label: "Company", read: (c) => c.company_name ?? "" },
  { key: "title", label: "Job title", read: (c) => c.title ?? "" },
  { key: "stage", label: "Stage", read: (c) => STAGE_LABELS[c.lifecycle_stage] },
  { key: "owner", label: "Owner", read: (c) => c.owner ?? "" },
  { key: "lead_source", label: "Lead source", read: (c) => c.lead_source ?? "" },
  { key: "birthday", label: "Birthday", read: (c) => personalDate(c.birthday) },
  { key: "how_we_met", label: "How we met", read: (c) => c.how_we_met ?? "" },
  { key: "channel", label: "Preferred channel", read: (c) => c.preferred_channel ?? "" },
  {
    key: "keep_in_touch",
    label: "Keep in touch",
    read: (c) => (c.keep_in_touch_days ? `every ${c.keep_in_touch_days} days` : ""),
  },
  { key: "notes", label: "Notes", read: (c) => c.notes ?? "" },
];

const LISTS: { key: string; label: string; read: (c: Customer) => string }[] = [
  { key: "emails", label: "Emails", read: (c) => labeled(c.emails) },
  { key: "phones", label: "Phones", read: (c) => labeled(c.phones) },
  { key: "tags", label: "Tags", read: (c) => c.tags.join(", ") },
  {
    key: "addresses",
    label: "Addresses",
    read: (c) =>
      c.addresses
        .map((a) => [a.street, a.city, a.postal_code, a.country].filter(Boolean).join(" "))
        .join("; "),
  },
];

/** Both customers' fields side by side; fields empty on both sides are left out. */
export function compareFields(survivor: Customer, duplicate: Customer): MergeField[] {
  const rows: MergeField[] = [];
  for (const f of SINGLE) {
    const s = f.read(survivor);
    const d = f.read(duplicate);
    if (s || d)
      rows.push({ key: f.key, label: f.label, survivor: s, duplicate: d, combined: false });
  }
  for (const f of LISTS) {
    const s = f.read(survivor);
    const d = f.read(duplicate);
    if (s || d)
      rows.push({ key: f.key, label: f.label, survivor: s, duplicate: d, combined: true });
  }
  return rows;
}

/** A field the user must choose for: single-valued, and different on the two sides. */
export function isChoice(f: MergeField): boolean {
  return !f.combined && f.survivor !== f.duplicate;
}
