// A post's place in the web client (French UI, 390 px wide): the status card
// shows the place's name as a link to the map centred on it, axe-clean, with
// no request leaving the instance. Independent of the other e2e files.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { createPost, createResident } from "../helpers/factories";
import type { TestInstance } from "../helpers/instance";
import { launchBrowser, newContext, recordThirdPartyRequests, screenshot, seriousViolations, startWebInstance, type Viewport } from "./support";

const PHONE_390: Viewport = { width: 390, height: 844 };

let t: TestInstance;
let browser: Browser;

beforeAll(async () => {
  t = await startWebInstance();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe("a status's place", () => {
  it("shows on the status card and leads to the map centred on it", async () => {
    const alice = await createResident(t, "alice");
    await createPost(t, alice, "Le lampadaire devant la mairie clignote", { place: { latitude: 45.1885, longitude: 5.7245, name: "Place de la Mairie" } });
    await createPost(t, alice, "Nid-de-poule", { place: { latitude: 45.19, longitude: 5.73, name: null } });
    const context = await newContext(browser, PHONE_390);
    const page = await context.newPage();
    const thirdParty = recordThirdPartyRequests(page, t.config.origin);
    await page.goto(`${t.config.origin}/login`);
    await page.getByLabel("Nom d’utilisateur ou adresse e-mail").fill("alice");
    await page.getByLabel("Mot de passe").fill("correct horse battery");
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));

    const named = page.getByRole("link", { name: "Place de la Mairie, voir sur la carte" });
    await named.waitFor();
    await page.getByRole("link", { name: "45,19° N, 5,73° E, voir sur la carte" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    await screenshot(page, "places-status-card-phone");

    await named.click();
    await page.waitForURL((url) => url.pathname === "/map");
    const url = new URL(page.url());
    expect([url.searchParams.get("lat"), url.searchParams.get("lon"), url.searchParams.get("zoom")]).toEqual(["45.1885", "5.7245", "17"]);
    expect(thirdParty).toEqual([]);
    await context.close();
  });
});
