import type { InteractionKind } from "../bindings/InteractionKind";

/** Interaction kinds in quick-log order (keys 1–8), with their labels and a glyph. */
export const KINDS: { kind: InteractionKind; label: string; glyph: string }[] = [
  { kind: "call", label: "Call", glyph: "☎" },
  { kind: "visit", label: "Visit", glyph: "⌂" },
  { kind: "meeting", label: "Meeting", glyph: "◷" },
  { kind: "email", label: "Email", glyph: "✉" },
  { kind: "note", label: "Note", glyph: "✎" },
  { kind: "purchase", label: "Purchase", glyph: "¤" },
  { kind: "complaint", label: "Complaint", glyph: "!" },
  { kind: "feedback", label: "Feedback", glyph: "★" },
];

export const KIND_LABELS = Object.fromEntries(KINDS.map((k) => [k.kind, k.label])) as Record<
  InteractionKind,
  string
>;

export const KIND_GLYPHS = Object.fromEntries(KINDS.map((k) => [k.kind, k.glyph])) as Record<
  InteractionKind,
  string
>;

/** "Promoter" (9–10), "Passive" (7–8), "Detractor" (0–6), as NPS counts them. */
export function npsBand(score: number): string {
  if (score >= 9) return "Promoter";
  if (score >= 7) return "Passive";
  return "Detractor";
}
