import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { call } from "../api";
import type { TaskProgress } from "../bindings/TaskProgress";

export const TASK_PROGRESS_EVENT = "task-progress";

/** Fills an empty store with demo data in the background; returns the task's id. */
export function startDemo(customers: number): Promise<string> {
  return call("start_demo", { customers });
}

export function cancelTask(id: string): Promise<null> {
  return call("cancel_task", { id });
}

/** Every running task's progress; resolves to the function that stops listening. */
export function onTaskProgress(callback: (progress: TaskProgress) => void): Promise<UnlistenFn> {
  return listen<TaskProgress>(TASK_PROGRESS_EVENT, (event) => callback(event.payload));
}
