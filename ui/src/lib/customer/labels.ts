import type { Channel } from "../bindings/Channel";
import type { FactKind } from "../bindings/FactKind";

export const FACT_LABELS: Record<FactKind, string> = {
  family: "Family",
  pet: "Pet",
  favourite: "Favourite",
  other: "Other",
};

export const CHANNEL_LABELS: Record<Channel, string> = {
  email: "Email",
  phone: "Phone",
  sms: "SMS",
  whatsapp: "WhatsApp",
  in_person: "In person",
};
