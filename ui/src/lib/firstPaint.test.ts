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
  expect(invokeMock.mock.calls).toEqual([["bench_mark_painted", { phases: expect.any(Array) }]]);
  markFirstPaint();
  nextFrame();
  nextFrame();
  expect(invokeMock).toHaveBeenCalledTimes(1);
});

it("sends the start-up phases noted before the paint, in order, and none after", async () => {
  const { markFirstPaint, phase } = await import("./firstPaint");
  phase("status-asked");
  phase("list-arrived");
  markFirstPaint();
  phase("too-late");
  nextFrame();
  nextFrame();
  const [, args] = invokeMock.mock.calls[0] as [string, { phases: [string, number][] }];
  expect(args.phases.map(([name]) => name)).toEqual([
    "status-asked",
    "list-arrived",
    "rendered",
    "painted",
  ]);
  const times = args.phases.map(([, at]) => at);
  expect(times).toEqual([...times].sort((a, b) => a - b));
  expect(times[0]).toBeGreaterThan(1.6e12); // Unix milliseconds, not page-relative
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
