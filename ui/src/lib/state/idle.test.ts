import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ACTIVITY_THROTTLE_MS, IdleLock } from "./idle.svelte";

const MINUTE = 60_000;
let idle: IdleLock | undefined;
let target: EventTarget;

beforeEach(() => {
  vi.useFakeTimers();
  target = new EventTarget();
});
afterEach(() => {
  idle?.dispose();
  idle = undefined;
  vi.useRealTimers();
});

function tracker(lock = vi.fn(async () => {})) {
  const onLocked = vi.fn();
  idle = new IdleLock({ lock, onLocked, target });
  return { idle, lock, onLocked };
}

const press = () => target.dispatchEvent(new Event("keydown"));

describe("auto-lock", () => {
  it("locks after the configured minutes without input, then tells the app", async () => {
    const { idle, lock, onLocked } = tracker();
    idle.configure(5);
    await vi.advanceTimersByTimeAsync(5 * MINUTE - 1);
    expect(lock).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(lock).toHaveBeenCalledOnce();
    expect(onLocked).toHaveBeenCalledOnce();
    expect(idle.armed).toBe(false);
  });

  it("input restarts the countdown", async () => {
    const { idle, lock } = tracker();
    idle.configure(5);
    await vi.advanceTimersByTimeAsync(4 * MINUTE);
    press();
    await vi.advanceTimersByTimeAsync(4 * MINUTE);
    target.dispatchEvent(new Event("wheel"));
    await vi.advanceTimersByTimeAsync(5 * MINUTE - 1);
    expect(lock).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(lock).toHaveBeenCalledOnce();
  });

  it("notes input at most once a second", async () => {
    const { idle, lock } = tracker();
    idle.configure(1);
    await vi.advanceTimersByTimeAsync(ACTIVITY_THROTTLE_MS - 1);
    press(); // too soon after the countdown began: not noted
    await vi.advanceTimersByTimeAsync(MINUTE - ACTIVITY_THROTTLE_MS + 1);
    expect(lock).toHaveBeenCalledOnce();
  });

  it("does nothing when off or when the store is not open (null)", async () => {
    const { idle, lock } = tracker();
    idle.configure(5);
    idle.configure(null);
    expect(idle.armed).toBe(false);
    await vi.advanceTimersByTimeAsync(60 * MINUTE);
    expect(lock).not.toHaveBeenCalled();
  });

  it("the same setting again keeps the running countdown; a new one restarts it", async () => {
    const { idle, lock } = tracker();
    idle.configure(5);
    await vi.advanceTimersByTimeAsync(3 * MINUTE);
    idle.configure(5);
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(lock).toHaveBeenCalledOnce();

    idle.configure(15);
    await vi.advanceTimersByTimeAsync(14 * MINUTE);
    expect(lock).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(lock).toHaveBeenCalledTimes(2);
  });

  it("still tells the app when locking fails, so it can re-check", async () => {
    const { idle, onLocked } = tracker(vi.fn(async () => Promise.reject(new Error("gone"))));
    idle.configure(5);
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(onLocked).toHaveBeenCalledOnce();
  });

  it("stops listening and counting when disposed", async () => {
    const { idle, lock } = tracker();
    idle.configure(5);
    idle.dispose();
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(lock).not.toHaveBeenCalled();
  });
});
