// Encodings the user can pick when the detected one reads wrong (WHATWG labels, which the
// backend decodes with). `null` means "let Rapport detect it".
export const ENCODINGS: readonly { value: string; label: string }[] = [
  { value: "utf-8", label: "UTF-8" },
  { value: "utf-16le", label: "UTF-16 (little-endian)" },
  { value: "utf-16be", label: "UTF-16 (big-endian)" },
  { value: "windows-1252", label: "Western (Windows-1252)" },
  { value: "iso-8859-15", label: "Western (ISO-8859-15)" },
  { value: "macintosh", label: "Western (Mac OS Roman)" },
  { value: "windows-1250", label: "Central European (Windows-1250)" },
  { value: "windows-1251", label: "Cyrillic (Windows-1251)" },
  { value: "koi8-r", label: "Cyrillic (KOI8-R)" },
  { value: "windows-1253", label: "Greek (Windows-1253)" },
  { value: "windows-1254", label: "Turkish (Windows-1254)" },
  { value: "shift_jis", label: "Japanese (Shift_JIS)" },
  { value: "gbk", label: "Chinese, simplified (GBK)" },
  { value: "big5", label: "Chinese, traditional (Big5)" },
  { value: "euc-kr", label: "Korean (EUC-KR)" },
];

/** The select's "detected" choice; any other value is a WHATWG label. */
export const DETECT = "";

export function encodingLabel(label: string): string {
  const l = label.toLowerCase();
  return ENCODINGS.find((e) => e.value === l)?.label ?? label;
}
