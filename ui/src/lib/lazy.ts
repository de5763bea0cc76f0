/**
 * A component whose code is a separate chunk, fetched on first use and kept: start-up then
 * parses only what the first screen shows (DESIGN §7). Calls share one promise.
 */
export function lazy<T>(load: () => Promise<{ default: T }>): () => Promise<T> {
  let loaded: Promise<T> | null = null;
  return () => (loaded ??= load().then((m) => m.default));
}

/** Starts loading `components` a little after start-up, so their first use is instant. */
export function preloadSoon(components: (() => Promise<unknown>)[], delayMs = 1500): () => void {
  const timer = setTimeout(() => {
    for (const load of components) load().catch(() => {}); // shown where they are used
  }, delayMs);
  return () => clearTimeout(timer);
}
