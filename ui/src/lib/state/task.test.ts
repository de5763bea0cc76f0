import { beforeEach, describe, expect, it, vi } from "vitest";
import { backend, invokeMock } from "../../test/backend";
import { emit, listenerCount, resetEvents } from "../../test/events";
import type { TaskProgress } from "../bindings/TaskProgress";
import { startDemo } from "../api/tasks";
import { TaskRunner } from "./task.svelte";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => import("../../test/events"));

beforeEach(() => {
  invokeMock.mockReset();
  resetEvents();
});

const progress = (overrides: Partial<TaskProgress> = {}): TaskProgress => ({
  id: "t1",
  label: "Adding demo data",
  done: 0,
  total: 200,
  state: "running",
  message: null,
  ...overrides,
});

describe("TaskRunner", () => {
  it("follows its own task's events until the final one, then stops listening", async () => {
    backend({ start_demo: () => "t1" });
    const onFinished = vi.fn();
    const task = new TaskRunner({ onFinished });
    await task.start("Adding demo data", () => startDemo(200));
    expect(invokeMock).toHaveBeenCalledWith("start_demo", { customers: 200 });
    expect(task.running).toBe(true);

    emit("task-progress", progress({ done: 50 }));
    emit("task-progress", progress({ id: "other", done: 199 }));
    expect(task.progress?.done).toBe(50);

    emit("task-progress", progress({ done: 200, state: "done", message: "200 customers added." }));
    expect(task.running).toBe(false);
    expect(task.progress?.state).toBe("done");
    expect(onFinished).toHaveBeenCalledWith(expect.objectContaining({ state: "done" }));
    expect(listenerCount("task-progress")).toBe(0);
  });

  it("keeps events that arrive before the task's id is known", async () => {
    backend({
      start_demo: () => {
        emit("task-progress", progress({ done: 10, total: 10, state: "done" }));
        return "t1";
      },
    });
    const task = new TaskRunner();
    await task.start("Adding demo data", () => startDemo(10));
    expect(task.progress?.state).toBe("done");
  });

  it("cancels by id; the final event says it was cancelled", async () => {
    backend({ start_demo: () => "t1", cancel_task: () => null });
    const task = new TaskRunner();
    await task.start("Adding demo data", () => startDemo(200));
    await task.cancel();
    expect(invokeMock).toHaveBeenLastCalledWith("cancel_task", { id: "t1" });
    expect(task.cancelling).toBe(true);
    emit("task-progress", progress({ done: 80, state: "cancelled" }));
    expect(task.progress?.state).toBe("cancelled");
    expect(task.cancelling).toBe(false);
  });

  it("a refused start leaves no progress, an error, and no listener", async () => {
    backend({
      start_demo: () => {
        throw { code: "already_exists", message: "the store already has customers" };
      },
    });
    const task = new TaskRunner();
    await task.start("Adding demo data", () => startDemo(200));
    expect(task.progress).toBeNull();
    expect(task.error?.code).toBe("already_exists");
    expect(listenerCount("task-progress")).toBe(0);
  });
});
