import { flushSync, mount, unmount, type ComponentProps } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { TaskProgress as Progress } from "../bindings/TaskProgress";
import TaskProgress from "./TaskProgress.svelte";

let app: Record<string, unknown> | undefined;
afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = "";
});

const running: Progress = {
  id: "t",
  label: "Adding demo data",
  done: 50,
  total: 200,
  state: "running",
  message: null,
};

function render(props: ComponentProps<typeof TaskProgress>) {
  app = mount(TaskProgress, { target: document.body, props });
  flushSync();
  const q = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  return { q, bar: document.querySelector<HTMLElement>('[role="progressbar"]')! };
}

describe("TaskProgress", () => {
  it("shows the label, done of total and the bar's value while running", () => {
    const onCancel = vi.fn();
    const { q, bar } = render({ progress: running, onCancel });
    expect(q("task-progress")?.textContent).toContain("Adding demo data");
    expect(q("task-counts")?.textContent).toBe("50 of 200");
    expect(bar.getAttribute("aria-valuenow")).toBe("50");
    expect(bar.getAttribute("aria-valuemax")).toBe("200");
    expect(bar.querySelector<HTMLElement>(".fill")?.style.width).toBe("25%");
    q("task-cancel")?.click();
    expect(onCancel).toHaveBeenCalledOnce();
  });

  it("has no value while the total is unknown", () => {
    const { bar } = render({ progress: { ...running, done: 0, total: 0 } });
    expect(bar.hasAttribute("aria-valuenow")).toBe(false);
  });

  it.each([
    ["done", "200 customers added.", "200 customers added."],
    ["cancelled", null, "Cancelled."],
    ["failed", "disk full", "disk full"],
  ] as const)("shows the final state %s without a Cancel button", (state, message, text) => {
    const { q } = render({ progress: { ...running, state, message }, onCancel: () => {} });
    expect(q("task-state")?.textContent).toBe(text);
    expect(q("task-cancel")).toBeNull();
    expect(q("task-progress")?.dataset.state).toBe(state);
  });
});
