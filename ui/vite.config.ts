import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vitest/config";

// Served by Tauri from ui/dist (production) or http://localhost:1420 (dev).
export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  base: "./",
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    watch: { ignored: ["**/src-tauri/**", "**/crates/**", "**/target/**"] },
    // Tests read the shell's handler list (src/lib/api/registered.test.ts).
    fs: mode === "test" ? { allow: [".", "../src-tauri/src"] } : undefined,
  },
  // Tauri injects TAURI_* variables into the frontend environment.
  envPrefix: ["VITE_", "TAURI_ENV_"],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK (Linux) / WKWebView (macOS) are the oldest engines we run in.
    target: "safari15",
    sourcemap: false,
  },
  // Tests use the browser build of Svelte so runes behave as they do in the app.
  resolve: mode === "test" ? { conditions: ["browser"] } : undefined,
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.ts"],
    restoreMocks: true,
  },
}));
