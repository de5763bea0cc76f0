import { beforeEach, describe, expect, it, vi } from "vitest";
import { invokeMock } from "../../test/backend";
import { emit, resetEvents } from "../../test/events";
import { listCustomers } from "./customers";
import { backupNow, eraseCustomer, restoreBackup } from "./data";
import { exportData } from "./export";
import {
  dataAudit,
  deleteTag,
  dismissDuplicate,
  duplicates,
  mergeCustomers,
  merges,
  renameTag,
  tagUsage,
  undoMerge,
} from "./hygiene";
import {
  deleteMapping,
  importBatches,
  importPreview,
  listMappings,
  saveMapping,
  startImport,
  undoImport,
} from "./import";
import { addDeal, closeDeal, moveDeal, pipeline } from "./pipeline";
import { changeProtection, getPrefs, lock, savePrefs, storeInfo } from "./settings";
import { cancelTask, onTaskProgress, startDemo } from "./tasks";
import { DEFAULT_PREFS } from "../state/prefs.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => import("../../test/events"));

beforeEach(() => {
  invokeMock.mockReset();
  resetEvents();
});

describe("per-concept API wrappers use the contract's command and argument names", () => {
  it("pipeline, settings, tasks, customers", async () => {
    invokeMock.mockResolvedValue(null);
    const input = {
      customer_id: "c",
      title: "t",
      value: { minor: 1, currency: "EUR" },
      stage: null,
      expected_close: null,
    };
    const query = {
      query: "ada",
      tag: null,
      stage: null,
      owner: null,
      kind: null,
      offset: 0,
      limit: 8,
    };
    await pipeline();
    await addDeal(input);
    await moveDeal("d", "Won?");
    await closeDeal("d", false, "price");
    await getPrefs();
    await savePrefs(DEFAULT_PREFS);
    await storeInfo();
    await changeProtection(null, "secret phrase");
    await lock();
    await startDemo(200);
    await cancelTask("t1");
    await listCustomers(query);
    expect(invokeMock.mock.calls).toEqual([
      ["pipeline", undefined],
      ["add_deal", { input }],
      ["move_deal", { id: "d", stage: "Won?" }],
      ["close_deal", { id: "d", won: false, reason: "price" }],
      ["get_prefs", undefined],
      ["save_prefs", { prefs: DEFAULT_PREFS }],
      ["store_info", undefined],
      ["change_protection", { current: null, next: "secret phrase" }],
      ["lock", undefined],
      ["start_demo", { customers: 200 }],
      ["cancel_task", { id: "t1" }],
      ["list_customers", { query }],
    ]);
  });

  it("import, export, hygiene, data (issue 5)", async () => {
    invokeMock.mockResolvedValue(null);
    const options = {
      format: null,
      encoding: "windows-1252",
      mapping: { columns: [{ column: "E-mail", field: "email" }] },
      date_order: "dmy" as const,
      skip_bad_rows: false,
    };
    const mapping = { columns: [{ column: "Name", field: null }] };
    await importPreview("/tmp/a.csv", options);
    await startImport("/tmp/a.csv", options);
    await importBatches();
    await undoImport(null);
    await listMappings();
    await saveMapping("Mine", mapping);
    await deleteMapping("Mine");
    await exportData("vcard", "/tmp/a.vcf", "c1");
    await duplicates(50);
    await mergeCustomers("b", "a", { title: "duplicate" });
    await dismissDuplicate("a", "b");
    await merges();
    await undoMerge("m1");
    await tagUsage();
    await renameTag("VIP", "vip");
    await deleteTag("old");
    await dataAudit();
    await eraseCustomer("c1");
    await backupNow("/tmp/b.rapport");
    await restoreBackup("/tmp/b.rapport");
    expect(invokeMock.mock.calls).toEqual([
      ["import_preview", { path: "/tmp/a.csv", options }],
      ["start_import", { path: "/tmp/a.csv", options }],
      ["import_batches", undefined],
      ["undo_import", { batchId: null }],
      ["list_mappings", undefined],
      ["save_mapping", { name: "Mine", mapping }],
      ["delete_mapping", { name: "Mine" }],
      ["export_data", { format: "vcard", path: "/tmp/a.vcf", customerId: "c1" }],
      ["duplicates", { limit: 50 }],
      ["merge_customers", { duplicateId: "b", intoId: "a", pick: { title: "duplicate" } }],
      ["dismiss_duplicate", { aId: "a", bId: "b" }],
      ["merges", undefined],
      ["undo_merge", { mergeId: "m1" }],
      ["tag_usage", undefined],
      ["rename_tag", { from: "VIP", to: "vip" }],
      ["delete_tag", { tag: "old" }],
      ["data_audit", undefined],
      ["erase_customer", { id: "c1" }],
      ["backup_now", { path: "/tmp/b.rapport" }],
      ["restore_backup", { path: "/tmp/b.rapport" }],
    ]);
  });

  it("onTaskProgress hands over each event's payload until unlistened", async () => {
    const seen: unknown[] = [];
    const unlisten = await onTaskProgress((p) => seen.push(p));
    emit("task-progress", { id: "t", done: 1 });
    unlisten();
    emit("task-progress", { id: "t", done: 2 });
    expect(seen).toEqual([{ id: "t", done: 1 }]);
  });
});
