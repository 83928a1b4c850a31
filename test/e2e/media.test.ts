// A picture with alt text, attached from the composer in a real browser
// (French UI, 390 px wide), then seen in the timeline and opened full screen.
// Independent of the other e2e files.
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { createResident } from "../helpers/factories";
import type { TestInstance } from "../helpers/instance";
import { launchBrowser, newContext, recordThirdPartyRequests, screenshot, seriousViolations, startWebInstance, type Viewport } from "./support";

const PHONE_390: Viewport = { width: 390, height: 844 };

let t: TestInstance;
let browser: Browser;
const thirdParty: string[] = [];

beforeAll(async () => {
  t = await startWebInstance();
  browser = await launchBrowser();
  await createResident(t, "alice");
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function loggedIn(viewport: Viewport): Promise<Page> {
  const context = await newContext(browser, viewport);
  const page = await context.newPage();
  // the instance's own origin (media URLs are absolute on it; CSP img-src is 'self')
  thirdParty.push(...recordThirdPartyRequests(page, t.config.origin));
  await page.goto(`${t.config.origin}/login`);
  await page.getByLabel("Nom d’utilisateur ou adresse e-mail").fill("alice");
  await page.getByLabel("Mot de passe").fill("correct horse battery");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  return page;
}

describe("attaching a picture from the composer", () => {
  it("uploads a photo, asks for its alt text, posts it and shows it in the timeline", async () => {
    const page = await loggedIn(PHONE_390);
    const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: "#4a7fb5" } })
      .withExif({ IFD0: { Make: "PhoneMaker", Model: "SecretPhone" } })
      .jpeg()
      .toBuffer();
    await page.getByLabel("Que voulez-vous partager ?").fill("Le lampadaire de la rue des Lilas est cassé");
    await page.getByTestId("attach-input").setInputFiles({ name: "lampadaire.jpg", mimeType: "image/jpeg", buffer: photo });
    const alt = page.getByLabel("Description pour les personnes qui ne voient pas l’image (texte alternatif)");
    await alt.waitFor();
    await page.getByText(/Pas encore de description/).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "media-composer-phone");
    await alt.fill("Un lampadaire penché, son globe brisé sur le trottoir");
    await page.getByRole("button", { name: "Publier" }).click();

    const img = page.getByRole("img", { name: "Un lampadaire penché, son globe brisé sur le trottoir" });
    await img.waitFor();
    expect(await img.getAttribute("src")).toMatch(new RegExp(`^${t.config.origin}/media/\\d+-small\\.webp$`));
    // the thumbnail itself is served and decodes (not only its blurhash placeholder)
    await page.waitForFunction(() => {
      const tile = document.querySelector<HTMLImageElement>(".media-tile img");
      return Boolean(tile && tile.complete && tile.naturalWidth === 640);
    });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    await screenshot(page, "media-timeline-phone");

    await page.getByRole("button", { name: "Voir l’image 1 sur 1 en plein écran" }).click();
    const viewer = page.getByRole("dialog", { name: "Image 1 sur 1" });
    await viewer.waitFor();
    // the full-size picture is served by the instance and decodes
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>("dialog.media-viewer img");
      return Boolean(img && img.complete && img.naturalWidth === 800);
    });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "media-viewer-phone");
    await page.keyboard.press("Escape");
    await viewer.waitFor({ state: "detached" });

    const statuses = await page.evaluate(async () => (await fetch("/api/v1/timelines/home", { credentials: "same-origin" })).json());
    expect(statuses[0].media_attachments[0]).toMatchObject({ type: "image", description: "Un lampadaire penché, son globe brisé sur le trottoir" });
    expect(statuses[0].media_attachments[0].meta.original).toMatchObject({ width: 800, height: 600 });
    expect(thirdParty).toEqual([]);
  });
});
