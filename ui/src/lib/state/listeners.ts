/**
 * The backend events a state object follows between `start()` and `dispose()`. Subscribing
 * is asynchronous, so a dispose can come first: the subscriptions that arrive after it are
 * ended at once instead of leaking.
 */
export class Listeners {
  #stops: (() => void)[] = [];
  #disposed = false;

  /** Follows every one of `subscriptions`; if one fails, none are (the events go unheard). */
  async listen(subscriptions: Promise<() => void>[]): Promise<void> {
    this.#disposed = false;
    const stops = await Promise.all(subscriptions).catch(() => []);
    if (this.#disposed) stops.forEach((stop) => stop());
    else this.#stops = stops;
  }

  dispose(): void {
    this.#disposed = true;
    this.#stops.forEach((stop) => stop());
    this.#stops = [];
  }
}
