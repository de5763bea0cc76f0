import { describe, expect, it } from "vitest";
import shell from "../../../../src-tauri/src/lib.rs?raw";

// The wrappers' sources, as text: every command they name must be one the shell registers.
const wrappers = import.meta.glob(["../api.ts", "./*.ts", "!./*.test.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

describe("the commands the UI calls", () => {
  it("are all registered in the shell's handler list (src-tauri/src/lib.rs)", () => {
    const code = shell.replace(/\/\/.*$/gm, "");
    const handlers = /generate_handler!\[([^\]]*)\]/.exec(code)?.[1] ?? "";
    const registered = new Set([...handlers.matchAll(/commands::\w+::(\w+)/g)].map((m) => m[1]));
    const called = Object.values(wrappers).flatMap((source) =>
      [...source.matchAll(/\bcall(?:<[^>]*>)?\(\s*"(\w+)"/g)].map((m) => m[1]),
    );
    expect(registered.size).toBeGreaterThan(50);
    expect(called).toContain("resolve_conflict");
    expect(called.filter((c) => !registered.has(c))).toEqual([]);
  });
});
