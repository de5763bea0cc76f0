import { toRapportError, type RapportError } from "../api";
import { cancelTask, onTaskProgress } from "../api/tasks";
import type { TaskProgress } from "../bindings/TaskProgress";

/**
 * One long-running backend task (demo data now; import and sync later): starts it, follows
 * its "task-progress" events, and cancels it.
 */
export class TaskRunner {
  /** The latest progress; stays after the task ends to show how it ended. */
  progress = $state.raw<TaskProgress | null>(null);
  /** Starting or cancelling failed. */
  error = $state<RapportError | null>(null);
  cancelling = $state(false);

  running = $derived(this.progress?.state === "running");

  #id: string | null = null;
  #unlisten: (() => void) | null = null;
  /** Events that arrive before the start command has told us the task's id. */
  #early: TaskProgress[] = [];
  #onFinished: ((progress: TaskProgress) => void) | undefined;

  constructor(options: { onFinished?: (progress: TaskProgress) => void } = {}) {
    this.#onFinished = options.onFinished;
  }

  /** `begin` starts the task and resolves to its id. Never throws; see `error`. */
  async start(label: string, begin: () => Promise<string>): Promise<void> {
    if (this.running) return;
    this.dispose();
    this.error = null;
    this.cancelling = false;
    this.#id = null;
    this.#early = [];
    this.progress = { id: "", label, done: 0, total: 0, state: "running", message: null };
    try {
      // Listen first: a small task may finish before its id comes back.
      this.#unlisten = await onTaskProgress((p) => this.#receive(p));
      const id = await begin();
      this.#id = id;
      const early = this.#early.filter((p) => p.id === id);
      this.#early = [];
      for (const p of early) this.#receive(p);
    } catch (e) {
      this.dispose();
      this.progress = null;
      this.error = toRapportError(e);
    }
  }

  /** Asks the backend to stop; the final "cancelled" event ends the task. */
  async cancel(): Promise<void> {
    if (!this.running || this.#id === null || this.cancelling) return;
    this.cancelling = true;
    try {
      await cancelTask(this.#id);
    } catch (e) {
      this.cancelling = false;
      this.error = toRapportError(e);
    }
  }

  /** Stops listening (call when the view goes away). */
  dispose(): void {
    this.#unlisten?.();
    this.#unlisten = null;
  }

  #receive(p: TaskProgress): void {
    if (this.#id === null) {
      this.#early.push(p);
      return;
    }
    if (p.id !== this.#id || !this.running) return;
    this.progress = p;
    if (p.state !== "running") {
      this.cancelling = false;
      this.dispose();
      this.#onFinished?.(p);
    }
  }
}
