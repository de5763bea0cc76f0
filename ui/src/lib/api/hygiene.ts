// Data hygiene: duplicates and merges, tag clean-up, the data audit.
import { call } from "../api";
import type { AuditReport } from "../bindings/AuditReport";
import type { DuplicatePair } from "../bindings/DuplicatePair";
import type { MergeRecord } from "../bindings/MergeRecord";
import type { MergeResult } from "../bindings/MergeResult";
import type { TagUsage } from "../bindings/TagUsage";

/** Which of the two values a merge keeps for a field. */
export type MergeSide = "duplicate" | "survivor";

/** Likely duplicate pairs, most likely first. */
export function duplicates(limit: number): Promise<DuplicatePair[]> {
  return call("duplicates", { limit });
}

/**
 * Merges `duplicateId` into `intoId` (the survivor keeps its id and gets every timeline
 * entry); `pick` says, per field, whose value to keep (the survivor's when absent).
 */
export function mergeCustomers(
  duplicateId: string,
  intoId: string,
  pick: Record<string, MergeSide>,
): Promise<MergeResult> {
  return call("merge_customers", { duplicateId, intoId, pick });
}

/** "Not a duplicate": the pair stops being suggested. */
export function dismissDuplicate(aId: string, bId: string): Promise<null> {
  return call("dismiss_duplicate", { aId, bId });
}

/** Past merges, newest first. */
export function merges(): Promise<MergeRecord[]> {
  return call("merges");
}

export function undoMerge(mergeId: string): Promise<MergeRecord> {
  return call("undo_merge", { mergeId });
}

/** Every tag with how many customers carry it. */
export function tagUsage(): Promise<TagUsage[]> {
  return call("tag_usage");
}

/** Renames a tag (onto an existing tag: merges them); resolves to the customers changed. */
export function renameTag(from: string, to: string): Promise<number> {
  return call("rename_tag", { from, to });
}

/** Removes a tag from everyone; resolves to the customers changed. */
export function deleteTag(tag: string): Promise<number> {
  return call("delete_tag", { tag });
}

export function dataAudit(): Promise<AuditReport> {
  return call("data_audit");
}
