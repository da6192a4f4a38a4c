// Test kit for the portals' browser tests: Debian's Chromium driven by playwright-core, a fresh build of the
// web app for each run, and the folder the screenshots go to.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";

export const chromium_path = "/usr/bin/chromium";
const repo_root = fileURLToPath(new URL("../../", import.meta.url));
export const screenshot_dir = path.join(repo_root, "test-output", "portals");

/** The launch flags the CI uses: no sandbox inside containers, no GPU, no traffic of the browser's own. */
const chromium_args = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Why the browser tests cannot run here, or null when they can. */
export function browserUnavailable(): string | null {
  return fs.existsSync(chromium_path)
    ? null
    : `chromium is not installed: ${chromium_path} is missing (apt-get install -y chromium)`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromium_path, args: chromium_args });
}

/**
 * Builds the web app from the current sources into a fresh temporary folder and returns it, so that a stale or
 * missing web/dist can neither fail the tests nor hide a change. The caller removes the folder.
 */
export function buildWebApp(): string {
  const out_dir = fs.mkdtempSync(path.join(os.tmpdir(), "credence-portals-"));
  const vite = path.join(repo_root, "node_modules", "vite", "bin", "vite.js");
  const result = spawnSync(
    process.execPath,
    [
      vite,
      "build",
      "--config",
      "web/vite.config.ts",
      "--outDir",
      out_dir,
      "--emptyOutDir",
      "--logLevel",
      "warn",
    ],
    { cwd: repo_root, encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
  return out_dir;
}

/** Saves a screenshot (of the whole page, or of the window only) under test-output/portals; returns its path. */
export async function screenshot(page: Page, name: string, full_page = true): Promise<string> {
  fs.mkdirSync(screenshot_dir, { recursive: true });
  const file = path.join(screenshot_dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: full_page });
  return file;
}
