// A stand-in for @tauri-apps/api/event. In a test:
//   vi.mock("@tauri-apps/api/event", () => import("<path>/test/events"));
// then `emit("task-progress", payload)` reaches whatever the code under test `listen`ed to.
type Handler = (event: { event: string; id: number; payload: unknown }) => void;

const handlers = new Map<string, Set<Handler>>();

export async function listen(event: string, handler: Handler): Promise<() => void> {
  let set = handlers.get(event);
  if (!set) handlers.set(event, (set = new Set()));
  set.add(handler);
  return () => set.delete(handler);
}

export function emit(event: string, payload: unknown): void {
  for (const handler of [...(handlers.get(event) ?? [])]) handler({ event, id: 0, payload });
}

export function listenerCount(event: string): number {
  return handlers.get(event)?.size ?? 0;
}

export function resetEvents(): void {
  handlers.clear();
}
