import { beforeEach, expect, it, vi } from "vitest";
import { invokeMock } from "../test/backend";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

let frames: FrameRequestCallback[] = [];

beforeEach(() => {
  vi.resetModules();
  invokeMock.mockReset();
  invokeMock.mockResolvedValue(null);
  frames = [];
  vi.stubGlobal("requestAnimationFrame", (cb: FrameRequestCallback) => frames.push(cb));
});

function nextFrame() {
  const due = frames;
  frames = [];
  for (const cb of due) cb(0);
}

it("marks after the second frame, once per process", async () => {
  const { markFirstPaint } = await import("./firstPaint");
  markFirstPaint();
  markFirstPaint();
  nextFrame();
  expect(invokeMock).not.toHaveBeenCalled();
  nextFrame();
  expect(invokeMock.mock.calls).toEqual([["bench_mark_painted", undefined]]);
  markFirstPaint();
  nextFrame();
  nextFrame();
  expect(invokeMock).toHaveBeenCalledTimes(1);
});

it("swallows a failed mark", async () => {
  invokeMock.mockRejectedValue({ code: "io", message: "RAPPORT_BENCH_MARK: could not write" });
  const { markFirstPaint } = await import("./firstPaint");
  markFirstPaint();
  nextFrame();
  nextFrame();
  await Promise.resolve();
  expect(invokeMock).toHaveBeenCalledTimes(1);
});
