// The UI's font stacks, chosen per platform before the first layout (main.ts).
//
// On Linux (WebKitGTK) `system-ui` and `ui-monospace` are not families fontconfig knows, and
// `system-ui` resolves to `sans-serif` anyway. Yet every font WebKit asks for tries them
// first, and each failed try walks fontconfig's whole alias list (about a hundred families).
// Measured at start-up with 100k customers (`FC_DEBUG=1`, `make bench-desktop`): 27 font
// requests and 3,141 fontconfig matches with `system-ui, sans-serif`, 15 and 1,560 with
// `sans-serif`; the first layout went from about 175 ms to 60–100 ms. Elsewhere the
// system's own UI font is the right one (San Francisco, Segoe UI), so it stays first there.

export interface FontStacks {
  font: string;
  mono: string;
}

/**
 * app.css's stacks, which are Linux's. `monospace` twice: a lone `monospace` makes engines
 * shrink the text to their fixed-font default size (a legacy quirk).
 */
export const GENERIC: FontStacks = { font: "sans-serif", mono: "monospace, monospace" };
const SYSTEM: FontStacks = { font: "system-ui, sans-serif", mono: "ui-monospace, monospace" };

/** The stacks for a browser engine identified by its user agent. */
export function fontStacks(userAgent: string): FontStacks {
  const linux = /\bLinux\b/.test(userAgent) && !/\bAndroid\b/.test(userAgent);
  return linux ? GENERIC : SYSTEM;
}

/** Sets the stacks on the root element unless they are app.css's own. */
export function applyFontStacks(
  root: HTMLElement = document.documentElement,
  userAgent: string = navigator.userAgent,
): void {
  const stacks = fontStacks(userAgent);
  if (stacks === GENERIC) return;
  root.style.setProperty("--font", stacks.font);
  root.style.setProperty("--font-mono", stacks.mono);
}
