import { call } from "../api";
import type { ExportFormat } from "../bindings/ExportFormat";
import type { ExportSummary } from "../bindings/ExportSummary";

/** Writes everything (or one customer, with `customerId`) to `path` (absolute) as `format`. */
export function exportData(
  format: ExportFormat,
  path: string,
  customerId: string | null,
): Promise<ExportSummary> {
  return call("export_data", { format, path, customerId });
}
