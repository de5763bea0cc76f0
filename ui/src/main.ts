// Small on purpose: it sends the start-up requests (lib/startup.ts) and only then loads the
// app, so the backend works on them while the rest of the code is fetched and parsed.
import "./app.css";
import { phase } from "./lib/firstPaint";
import { applyFontStacks } from "./lib/fonts";
import { prefetch } from "./lib/startup";

phase("script-started");
prefetch();
applyFontStacks();

const target = document.getElementById("app");
if (!target) throw new Error("Missing #app element");

import("./boot")
  .then(({ start }) => start(target))
  .catch((e: unknown) => {
    // Only a broken build gets here; say so rather than leave an empty window.
    target.textContent = `Rapport couldn't load its window: ${String(e)}`;
  });
