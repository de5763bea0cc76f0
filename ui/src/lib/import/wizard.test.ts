import { beforeEach, describe, expect, it, vi } from "vitest";
import { backend, invokeMock } from "../../test/backend";
import { emit, listenerCount, resetEvents } from "../../test/events";
import type { ImportBatch } from "../bindings/ImportBatch";
import type { ImportOptions } from "../bindings/ImportOptions";
import type { ImportPreview } from "../bindings/ImportPreview";
import type { TaskProgress } from "../bindings/TaskProgress";
import { dateExample, readings } from "./dates";
import { ImportWizard } from "./wizard.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => import("../../test/events"));

beforeEach(() => {
  invokeMock.mockReset();
  resetEvents();
});

const PATH = "/home/ada/contacts.csv";

function preview(overrides: Partial<ImportPreview> = {}): ImportPreview {
  return {
    file_name: "contacts.csv",
    format: "csv",
    source: "google",
    encoding: "utf-8",
    encoding_detected: true,
    delimiter: ",",
    columns: [
      { column: "Name", field: "name", sample: "Ada Lovelace" },
      { column: "Birthday", field: "birthday", sample: "03/04/1990" },
      { column: "Shoe size", field: null, sample: "38" },
    ],
    rows: 3,
    created: 2,
    updated: 1,
    unchanged: 0,
    skipped: 0,
    errors: 0,
    needs_date_order: false,
    report: [],
    fields: ["name", "email", "birthday", "custom.NAME"],
    ...overrides,
  };
}

function batch(overrides: Partial<ImportBatch> = {}): ImportBatch {
  return {
    id: "b1",
    file_name: "contacts.csv",
    at: "2026-11-22T10:00:00Z",
    created: 2,
    updated: 1,
    undone_at: null,
    ...overrides,
  };
}

const progress = (overrides: Partial<TaskProgress> = {}): TaskProgress => ({
  id: "t1",
  label: "Importing contacts.csv",
  done: 0,
  total: 3,
  state: "running",
  message: null,
  ...overrides,
});

const optionsOf = (command: string) =>
  invokeMock.mock.calls
    .filter(([c]) => c === command)
    .map(([, args]) => (args as { options: ImportOptions }).options);

describe("steps", () => {
  it("a typed path is previewed, then the wizard moves to the mapping and on to the preview", async () => {
    backend({ import_preview: () => preview() });
    const wizard = new ImportWizard();
    expect(wizard.step).toBe("file");

    expect(await wizard.open(`  ${PATH} `)).toBe(true);
    expect(invokeMock).toHaveBeenCalledWith("import_preview", {
      path: PATH,
      options: {
        format: null,
        encoding: null,
        mapping: null,
        date_order: null,
        skip_bad_rows: false,
      },
    });
    expect(wizard.step).toBe("mapping");
    wizard.next();
    expect(wizard.step).toBe("preview");
    wizard.back();
    wizard.back();
    expect(wizard.step).toBe("file");
  });

  it("refuses a relative path without asking the backend", async () => {
    backend({});
    const wizard = new ImportWizard();
    expect(await wizard.open("contacts.csv")).toBe(false);
    expect(wizard.error).toMatch(/^path: /);
    expect(wizard.step).toBe("file");
    expect(invokeMock).not.toHaveBeenCalled();
  });

  it("a file the backend can't read stays on the first step with the reason", async () => {
    backend({
      import_preview: () => {
        throw { code: "invalid_input", message: "row 3, column Email: unterminated quote" };
      },
    });
    const wizard = new ImportWizard();
    expect(await wizard.open(PATH)).toBe(false);
    expect(wizard.step).toBe("file");
    expect(wizard.error).toBe("row 3, column Email: unterminated quote");
  });

  it("changing a column's field sends the whole mapping with it", async () => {
    backend({ import_preview: () => preview() });
    const wizard = new ImportWizard();
    await wizard.open(PATH);
    await wizard.setField("Shoe size", "custom.Shoe size");
    expect(optionsOf("import_preview").at(-1)?.mapping).toEqual({
      columns: [
        { column: "Name", field: "name" },
        { column: "Birthday", field: "birthday" },
        { column: "Shoe size", field: "custom.Shoe size" },
      ],
    });
    await wizard.setEncoding("windows-1252");
    expect(optionsOf("import_preview").at(-1)?.encoding).toBe("windows-1252");
    // Opening another file forgets the choices made for this one.
    await wizard.open(PATH);
    expect(optionsOf("import_preview").at(-1)).toMatchObject({ encoding: null, mapping: null });
  });
});

describe("the day/month question", () => {
  it("must be answered before going on, and the answer goes with the next preview", async () => {
    backend({
      import_preview: ({ options }) =>
        preview({ needs_date_order: (options as ImportOptions).date_order === null }),
    });
    const wizard = new ImportWizard();
    await wizard.open(PATH);
    expect(wizard.needsDateOrder).toBe(true);
    expect(wizard.canContinue).toBe(false);
    wizard.next();
    expect(wizard.step).toBe("mapping");

    await wizard.setDateOrder("dmy");
    expect(optionsOf("import_preview").at(-1)?.date_order).toBe("dmy");
    expect(wizard.needsDateOrder).toBe(false);
    wizard.next();
    expect(wizard.step).toBe("preview");
  });

  it("shows both readings of an ambiguous date from the file", () => {
    expect(readings("03/04/1990")).toEqual({
      example: "03/04/1990",
      dmy: "3 April 1990",
      mdy: "4 March 1990",
    });
    // Not ambiguous: 25 can only be a day; 5/5 reads the same both ways.
    expect(readings("12/25/1990")).toBeNull();
    expect(readings("5/5/1990")).toBeNull();
    expect(readings("1990-03-04")).toBeNull();
    expect(dateExample(preview().columns)?.example).toBe("03/04/1990");
  });
});

describe("import button", () => {
  it("is disabled while rows have errors, unless they are skipped", async () => {
    backend({ import_preview: () => preview({ errors: 2, created: 1, updated: 0 }) });
    const wizard = new ImportWizard();
    await wizard.open(PATH);
    wizard.next();
    expect(wizard.blockedByErrors).toBe(true);
    expect(wizard.canImport).toBe(false);

    wizard.skipBadRows = true;
    expect(wizard.canImport).toBe(true);
    // The preview itself never skips: it keeps showing which rows would be dropped.
    expect(wizard.options().skip_bad_rows).toBe(false);
    expect(wizard.options(true).skip_bad_rows).toBe(true);
  });

  it("is disabled when every row is already in Rapport", async () => {
    backend({ import_preview: () => preview({ created: 0, updated: 0, unchanged: 3 }) });
    const wizard = new ImportWizard();
    await wizard.open(PATH);
    expect(wizard.canImport).toBe(false);
  });

  it("is disabled while the date question is open", async () => {
    backend({ import_preview: () => preview({ needs_date_order: true }) });
    const wizard = new ImportWizard();
    await wizard.open(PATH);
    expect(wizard.canImport).toBe(false);
  });
});

describe("importing", () => {
  it("runs as a task, then shows the batch it made and can undo it", async () => {
    const onImported = vi.fn();
    let undone: string | null = null;
    backend({
      import_preview: () => preview({ errors: 1 }),
      start_import: () => "t1",
      import_batches: () => [batch({ undone_at: undone })],
      undo_import: ({ batchId }) => {
        undone = "2026-11-22T10:05:00Z";
        return batch({ id: batchId as string, undone_at: undone });
      },
    });
    const wizard = new ImportWizard({ onImported });
    await wizard.open(PATH);
    wizard.next();
    wizard.skipBadRows = true;
    await wizard.start();
    expect(wizard.step).toBe("importing");
    expect(optionsOf("start_import")).toEqual([
      { format: null, encoding: null, mapping: null, date_order: null, skip_bad_rows: true },
    ]);
    expect(wizard.task.progress?.label).toBe("Importing contacts.csv");

    emit("task-progress", progress({ done: 3, state: "done" }));
    await vi.waitFor(() => expect(wizard.step).toBe("done"));
    expect(wizard.result?.id).toBe("b1");
    expect(onImported).toHaveBeenCalledTimes(1);

    expect(await wizard.undo("b1")).toBe(true);
    expect(invokeMock).toHaveBeenCalledWith("undo_import", { batchId: "b1" });
    expect(wizard.result?.undone_at).not.toBeNull();
    expect(onImported).toHaveBeenCalledTimes(2);
  });

  it("cancel goes back to the preview, saying nothing was changed", async () => {
    backend({
      import_preview: () => preview(),
      start_import: () => "t1",
      cancel_task: () => null,
    });
    const wizard = new ImportWizard();
    await wizard.open(PATH);
    wizard.next();
    await wizard.start();
    emit("task-progress", progress({ done: 1 }));
    await wizard.cancel();
    expect(invokeMock).toHaveBeenCalledWith("cancel_task", { id: "t1" });
    expect(wizard.task.cancelling).toBe(true);

    emit("task-progress", progress({ done: 1, state: "cancelled" }));
    await vi.waitFor(() => expect(wizard.step).toBe("preview"));
    expect(wizard.notice).toBe("Import cancelled. Nothing was changed.");
    expect(wizard.result).toBeNull();
    expect(wizard.canImport).toBe(true); // it can be tried again
    expect(listenerCount("task-progress")).toBe(0);
  });

  it("a failed start goes back to the preview with the reason", async () => {
    backend({
      import_preview: () => preview(),
      start_import: () => {
        throw { code: "already_exists", message: "an import is already running" };
      },
    });
    const wizard = new ImportWizard();
    await wizard.open(PATH);
    wizard.next();
    await wizard.start();
    expect(wizard.step).toBe("preview");
    expect(wizard.error).toBe("an import is already running");
  });
});
