import { toRapportError } from "../api";
import { dataAudit } from "../api/hygiene";
import type { AuditFinding } from "../bindings/AuditFinding";
import type { AuditKind } from "../bindings/AuditKind";
import type { AuditReport } from "../bindings/AuditReport";

export const AUDIT_KINDS: readonly { kind: AuditKind; label: string; hint: string }[] = [
  { kind: "invalid_email", label: "Invalid emails", hint: "Addresses that can't receive mail." },
  { kind: "invalid_phone", label: "Invalid phone numbers", hint: "Numbers that can't be dialled." },
  { kind: "missing_contact", label: "No way to reach", hint: "No email and no phone." },
  {
    kind: "inconsistent_tag",
    label: "Inconsistent tags",
    hint: "Tags that differ only in case, spacing or accents.",
  },
  { kind: "stale", label: "Stale customers", hint: "Nothing logged for a long time." },
];

export interface AuditGroup {
  kind: AuditKind;
  label: string;
  hint: string;
  /** All findings of this kind (the list may hold fewer). */
  count: number;
  findings: AuditFinding[];
}

/** Findings grouped by kind, in the order above; kinds with nothing to fix are left out. */
export function groupFindings(report: AuditReport): AuditGroup[] {
  return AUDIT_KINDS.map(({ kind, label, hint }) => {
    const findings = report.findings.filter((f) => f.kind === kind);
    return {
      kind,
      label,
      hint,
      findings,
      count: Math.max(report.counts[kind] ?? 0, findings.length),
    };
  }).filter((g) => g.count > 0);
}

export class AuditState {
  report = $state.raw<AuditReport | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);

  groups = $derived(this.report ? groupFindings(this.report) : []);

  #onLocked: (() => void) | undefined;

  constructor(onLocked?: () => void) {
    this.#onLocked = onLocked;
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.report = await dataAudit();
      this.error = null;
    } catch (e) {
      const err = toRapportError(e);
      if (err.code === "locked") this.#onLocked?.();
      this.error = err.message;
    } finally {
      this.loading = false;
    }
  }
}
