import type { ExportFormat } from "../bindings/ExportFormat";
import type { FileFilter } from "./files";

export const EXPORT_FORMATS: readonly { value: ExportFormat; label: string }[] = [
  { value: "json", label: "JSON — everything, for other programs or a full copy" },
  { value: "csv", label: "CSV — customers, for spreadsheets" },
  { value: "vcard", label: "vCard — contacts, for address books" },
  { value: "ics", label: "ICS — follow-ups and personal dates, for calendars" },
];

/** What one person can be exported as. */
export const PERSON_FORMATS: readonly { value: ExportFormat; label: string }[] = [
  { value: "json", label: "JSON — everything Rapport holds about them" },
  { value: "vcard", label: "vCard — their contact card" },
];

const EXTENSIONS: Record<ExportFormat, string> = {
  json: "json",
  csv: "csv",
  vcard: "vcf",
  ics: "ics",
};

export function exportFilters(format: ExportFormat): FileFilter[] {
  return [
    { name: format === "vcard" ? "vCard" : format.toUpperCase(), extensions: [EXTENSIONS[format]] },
  ];
}

/** "rapport-export.json", or "ada-lovelace.vcf" for one person. */
export function exportFileName(format: ExportFormat, person: string | null = null): string {
  const base = person
    ? person
        .normalize("NFKD")
        .replace(/[\u0300-\u036f]/g, "")
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "") || "customer"
    : "rapport-export";
  return `${base}.${EXTENSIONS[format]}`;
}

/** A path the user typed with the right extension added when it has none. */
export function withExtension(path: string, format: ExportFormat): string {
  const p = path.trim();
  return /\.[A-Za-z0-9]{1,6}$/.test(p) ? p : `${p}.${EXTENSIONS[format]}`;
}
