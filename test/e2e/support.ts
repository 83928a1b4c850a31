// End-to-end support: a full Parvis (API, real time, built web client) and
// Debian's chromium driven by playwright-core.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { realtimeModule } from "../../server/realtime";
import { clientHandler } from "../../server/web/client";
import { startInstance, type TestInstance } from "../helpers/instance";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const DIST = join(process.cwd(), "dist", "client");
export const SCREENSHOTS = join(process.cwd(), "test", "e2e", "screenshots");

export async function startWebInstance(env: Record<string, string> = {}): Promise<TestInstance> {
  if (!existsSync(join(DIST, "index.html"))) throw new Error("dist/client is missing: run `npm run build:client` first");
  return startInstance({ env: { PARVIS_COMMUNE_NAME: "Saint-Parvis", ...env }, modules: () => [realtimeModule], client: clientHandler(DIST) });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

export interface Viewport {
  width: number;
  height: number;
}

export const PHONE: Viewport = { width: 360, height: 740 };
export const DESKTOP: Viewport = { width: 1280, height: 900 };

export async function newContext(browser: Browser, viewport: Viewport = PHONE, locale = "fr-FR"): Promise<BrowserContext> {
  return browser.newContext({ viewport, locale, extraHTTPHeaders: { "Accept-Language": locale } });
}

/** Every request a page makes must stay on the instance's origin. */
export function recordThirdPartyRequests(page: Page, origin: string): string[] {
  const outside: string[] = [];
  page.on("request", (req) => {
    const url = req.url();
    if (url.startsWith("data:") || url.startsWith("blob:")) return;
    if (!url.startsWith(origin)) outside.push(url);
  });
  return outside;
}

/** axe-core violations of impact serious or critical, as short strings. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
