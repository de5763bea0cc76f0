import type { Channel } from "../bindings/Channel";
import type { CustomerKind } from "../bindings/CustomerKind";
import type { NewCustomer } from "../bindings/NewCustomer";

/** The add-customer form's raw field values, as typed. */
export interface CustomerForm {
  kind: CustomerKind;
  name: string;
  email: string;
  phone: string;
  company: string;
  title: string;
  tags: string;
  birthday: string;
  keepInTouchDays: string;
  preferredChannel: Channel | "";
}

export type FormField = keyof CustomerForm;

export type FormResult =
  { ok: true; value: NewCustomer } | { ok: false; field: FormField; message: string };

export const CHANNELS: { value: Channel | ""; label: string }[] = [
  { value: "", label: "None" },
  { value: "email", label: "Email" },
  { value: "phone", label: "Phone" },
  { value: "sms", label: "SMS" },
  { value: "whatsapp", label: "WhatsApp" },
  { value: "in_person", label: "In person" },
];

export function emptyForm(): CustomerForm {
  return {
    kind: "person",
    name: "",
    email: "",
    phone: "",
    company: "",
    title: "",
    tags: "",
    birthday: "",
    keepInTouchDays: "",
    preferredChannel: "",
  };
}

/** "vip, Berlin ,, vip" -> ["vip", "Berlin"] */
export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const raw of text.split(",")) {
    const tag = raw.trim();
    if (tag !== "" && !seen.has(tag.toLowerCase())) {
      seen.add(tag.toLowerCase());
      tags.push(tag);
    }
  }
  return tags;
}

const BIRTHDAY = /^(\d{4}-|--)\d{2}-\d{2}$/;

function optional(text: string): string | null {
  const t = text.trim();
  return t === "" ? null : t;
}

/**
 * Turns the form into the backend's NewCustomer. Only checks what the user can fix at a
 * glance; the backend validates everything and answers `invalid_input` otherwise.
 */
export function buildNewCustomer(form: CustomerForm): FormResult {
  const name = form.name.trim();
  if (name === "") return { ok: false, field: "name", message: "Name is required." };

  const birthday = optional(form.birthday);
  if (birthday !== null && !BIRTHDAY.test(birthday)) {
    return {
      ok: false,
      field: "birthday",
      message: "Birthday must look like 1990-12-24, or --12-24 without the year.",
    };
  }

  let keepInTouchDays: number | null = null;
  const days = form.keepInTouchDays.trim();
  if (days !== "") {
    const n = Number(days);
    if (!Number.isInteger(n) || n < 1 || n > 3650) {
      return {
        ok: false,
        field: "keepInTouchDays",
        message: "Keep in touch every: enter a whole number of days (1–3650).",
      };
    }
    keepInTouchDays = n;
  }

  const email = optional(form.email);
  const phone = optional(form.phone);
  return {
    ok: true,
    value: {
      kind: form.kind,
      name,
      emails: email ? [email] : [],
      phones: phone ? [phone] : [],
      company: form.kind === "person" ? optional(form.company) : null,
      title: optional(form.title),
      tags: parseTags(form.tags),
      birthday,
      keep_in_touch_days: keepInTouchDays,
      preferred_channel: form.preferredChannel === "" ? null : form.preferredChannel,
      lifecycle_stage: null,
      notes: null,
    },
  };
}
