/** Input that counts as "the user is here". */
export const ACTIVITY_EVENTS = ["pointerdown", "pointermove", "keydown", "wheel", "touchstart"];
/** Activity is noted at most this often (pointermove fires constantly). */
export const ACTIVITY_THROTTLE_MS = 1000;

export interface IdleLockOptions {
  /** Locks the store (the `lock` command). Errors are ignored: `onLocked` re-checks. */
  lock: () => Promise<unknown>;
  /** Called after locking, so the app can show the unlock screen. */
  onLocked: () => void;
  /** Where to listen for input; the window by default. */
  target?: EventTarget;
}

/** Locks the store after some minutes without keyboard, pointer or wheel input. */
export class IdleLock {
  /** True while a countdown runs. */
  armed = $state(false);

  #options: IdleLockOptions;
  #target: EventTarget;
  #minutes: number | null = null;
  #lastActivity = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #onActivity = () => this.activity();

  constructor(options: IdleLockOptions) {
    this.#options = options;
    this.#target = options.target ?? window;
    for (const type of ACTIVITY_EVENTS) {
      this.#target.addEventListener(type, this.#onActivity, { passive: true, capture: true });
    }
  }

  /**
   * Starts counting down `minutes` of inactivity, or stops with null (auto-lock off, or the
   * store isn't open). The same value again keeps the running countdown.
   */
  configure(minutes: number | null): void {
    const valid = minutes !== null && minutes > 0 ? minutes : null;
    if (valid === this.#minutes) return;
    this.#minutes = valid;
    this.#lastActivity = Date.now();
    this.#schedule(valid === null ? null : valid * 60_000);
  }

  /** Notes that the user did something. */
  activity(): void {
    const now = Date.now();
    if (now - this.#lastActivity >= ACTIVITY_THROTTLE_MS) this.#lastActivity = now;
  }

  dispose(): void {
    this.#schedule(null);
    this.#minutes = null;
    for (const type of ACTIVITY_EVENTS) {
      this.#target.removeEventListener(type, this.#onActivity, { capture: true });
    }
  }

  // One timer per countdown rather than one per input event: when it fires it checks how
  // long it has really been, and sleeps again for the rest if there was input meanwhile.
  #schedule(delay: number | null): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.armed = delay !== null;
    if (delay !== null) this.#timer = setTimeout(() => this.#check(), delay);
  }

  #check(): void {
    if (this.#minutes === null) return;
    const limit = this.#minutes * 60_000;
    const idle = Date.now() - this.#lastActivity;
    if (idle < limit) {
      this.#schedule(limit - idle);
      return;
    }
    // Disarmed until configured again (the app does so once the store is open again).
    this.#minutes = null;
    this.#schedule(null);
    void this.#lockNow();
  }

  async #lockNow(): Promise<void> {
    try {
      await this.#options.lock();
    } catch {
      // The app's status check shows whatever state the store is really in.
    }
    this.#options.onLocked();
  }
}
