// Adds package-lock entries for other platforms' native packages (rollup, esbuild, the Tauri
// CLI) when the registry this machine reaches doesn't carry those exact versions. npm then
// leaves them out of the lock, and `npm ci` refuses the lock as "out of sync".
//
// Run after `npm install` changes the lock:  node scripts/lock-add-platform-packages.mjs
// Entries get version, os, cpu and libc (no integrity); npm skips them on other platforms
// and fetches them normally where they apply.
import fs from "node:fs";

const FAMILIES = [
  // [package name prefix, libc for "-gnueabihf" (rollup declares glibc, the Tauri CLI none)]
  ["@rollup/rollup-", ["glibc"]],
  ["@tauri-apps/cli-", undefined],
  ["@esbuild/", undefined],
];

function platformOf(name, prefix, gnueabihfLibc) {
  const [os, cpu, abi] = name.slice(prefix.length).split("-");
  let libc;
  if (abi === "musl" || abi === "musleabihf") libc = ["musl"];
  else if (os === "linux" && abi === "gnu") libc = ["glibc"];
  else if (os === "linux" && abi === "gnueabihf") libc = gnueabihfLibc;
  return { os: [os], cpu: [cpu], libc };
}

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(fs.readFileSync(path, "utf8"));
const packages = lock.packages;
const added = [];

for (const [key, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const family = FAMILIES.find(([prefix]) => name.startsWith(prefix));
    const target = `node_modules/${name}`;
    if (!family || packages[target]) continue;
    const [prefix, gnueabihfLibc] = family;
    // Copy licence, engines and dev flag from a sibling that npm did record.
    const sibling = Object.entries(entry.optionalDependencies)
      .map(([n]) => packages[`node_modules/${n}`])
      .find(Boolean);
    const { os, cpu, libc } = platformOf(name, prefix, gnueabihfLibc);
    packages[target] = {
      version,
      cpu,
      ...(sibling?.dev ? { dev: true } : {}),
      ...(libc ? { libc } : {}),
      ...(sibling?.license ? { license: sibling.license } : {}),
      optional: true,
      os,
      ...(sibling?.engines ? { engines: sibling.engines } : {}),
    };
    added.push(`${name}@${version} (from ${key})`);
  }
}

const order = Object.keys(packages).sort((a, b) =>
  a === "" ? -1 : b === "" ? 1 : a.localeCompare(b, "en"),
);
lock.packages = Object.fromEntries(order.map((k) => [k, packages[k]]));
fs.writeFileSync(path, JSON.stringify(lock, null, 2) + "\n");
console.log(added.length ? `added:\n  ${added.join("\n  ")}` : "nothing to add");
