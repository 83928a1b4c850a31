// The map in a real browser (French UI, 390 px wide, then a desktop): tiles
// through our own /tiles proxy (from a fake tile server on loopback), an
// observation and a post with a place on the map and in its list, reporting a
// camera with the form, an observation's page ("Toujours là", "Signaler
// disparue", the author's decision), and the composer's place. No request
// leaves the instance's origin during the whole run.
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { createResident, type Resident } from "../helpers/factories";
import type { TestInstance } from "../helpers/instance";
import { startTileServer, type FakeTileServer } from "../helpers/tile-server";
import { DESKTOP, launchBrowser, newContext, recordThirdPartyRequests, screenshot, seriousViolations, startWebInstance, type Viewport } from "./support";

const PHONE_390: Viewport = { width: 390, height: 844 };
const CENTRE: [number, number] = [45.1885, 5.7245];

let t: TestInstance;
let upstream: FakeTileServer;
let browser: Browser;
let bob: Resident;
let bobsCamera: string;
const thirdParty: string[] = [];

beforeAll(async () => {
  // real 256 px PNG tiles, a light tint per zoom level
  const tiles = new Map<string, Buffer>();
  for (let z = 0; z <= 19; z++) {
    tiles.set(String(z), await sharp({ create: { width: 256, height: 256, channels: 3, background: { r: 226, g: 232 - (z % 4) * 4, b: 220 } } }).png().toBuffer());
  }
  upstream = await startTileServer({ tile: (path) => tiles.get(path.split("/")[2]) ?? tiles.get("0")! });
  t = await startWebInstance({ PARVIS_MAP_TILES_URL: upstream.template, PARVIS_MAP_ATTRIBUTION: "© Contributeurs OpenStreetMap" });
  browser = await launchBrowser();
  const admin = await createResident(t, "maire", { role: "admin" });
  await createResident(t, "alice");
  bob = await createResident(t, "bob");
  const set = await t.http.patch("/api/parvis/admin/settings").set("Authorization", admin.auth).send({ map_center: CENTRE, map_zoom: 16 });
  expect(set.status).toBe(200);
  const camera = await t.http
    .post("/api/parvis/observations")
    .set("Authorization", bob.auth)
    .send({
      kind: "camera",
      latitude: CENTRE[0] + 0.0008,
      longitude: CENTRE[1] + 0.001,
      tags: { "surveillance:type": "camera", "camera:type": "dome", operator: "Ville", "operator:type": "commune", "surveillance:signage": "no" },
      status: "Caméra dôme à l’angle de la place",
      visibility: "public",
    });
  expect(camera.status).toBe(200);
  bobsCamera = camera.body.id;
  const post = await t.http
    .post("/api/v1/statuses")
    .set("Authorization", bob.auth)
    .send({ status: "Marché de Noël sur la place ce samedi", visibility: "public", parvis_place: { latitude: CENTRE[0] - 0.0006, longitude: CENTRE[1] - 0.0009, name: "Place Notre-Dame" } });
  expect(post.status).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  await upstream?.close();
});

async function loggedIn(viewport: Viewport, username = "alice"): Promise<Page> {
  const context = await newContext(browser, viewport);
  const page = await context.newPage();
  thirdParty.push(...recordThirdPartyRequests(page, t.config.origin));
  await page.goto(`${t.config.origin}/login`);
  await page.getByLabel("Nom d’utilisateur ou adresse e-mail").fill(username);
  await page.getByLabel("Mot de passe").fill("correct horse battery");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  return page;
}

/** The map's visible tiles came through /tiles and decoded. */
async function tilesShown(page: Page) {
  await page.waitForFunction(() => {
    const tiles = [...document.querySelectorAll<HTMLImageElement>("img.leaflet-tile")];
    return tiles.length > 0 && tiles.some((img) => img.complete && img.naturalWidth === 256);
  });
  const sources = await page.$$eval("img.leaflet-tile", (imgs) => imgs.map((i) => (i as HTMLImageElement).src));
  for (const src of sources) expect(src).toMatch(new RegExp(`^${t.config.origin}/tiles/\\d+/\\d+/\\d+\\.png$`));
}

const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

describe("the map", () => {
  it("shows observations and posts with a place, on tiles from our own origin, with a list", async () => {
    const page = await loggedIn(PHONE_390);
    // from the phone's settings ("Mes espaces")
    await page.goto(`${t.config.origin}/settings`);
    await page.getByRole("link", { name: "Carte", exact: true }).first().click();
    await page.waitForURL((url) => url.pathname === "/map");
    await page.getByRole("heading", { name: "Carte", level: 1 }).waitFor();
    const list = page.getByRole("region", { name: "Dans cette zone" });
    await list.getByRole("link", { name: "Caméra de surveillance (dôme)" }).waitFor();
    await list.getByRole("link", { name: /Place Notre-Dame — Marché de Noël/ }).waitFor();
    await tilesShown(page);
    // markers (or their clusters) are on the map; the view is in the URL
    expect(await page.locator(".map-marker, .map-cluster").count()).toBeGreaterThan(0);
    await page.waitForURL((url) => url.searchParams.has("lat") && url.searchParams.get("zoom") === "16");
    expect(await fitsWidth(page)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "map-phone");

    // filtered by kind: issues only, none here
    await page.getByLabel("Afficher").selectOption("issue");
    await list.getByText("Rien dans cette zone avec ces filtres").waitFor();
    await page.getByLabel("Afficher").selectOption("post");
    await list.getByRole("link", { name: /Place Notre-Dame/ }).waitFor();
    expect(await list.getByRole("link", { name: "Caméra de surveillance (dôme)" }).count()).toBe(0);

    // ?lat&lon&zoom opens that view
    await page.goto(`${t.config.origin}/map?lat=${CENTRE[0] + 0.0008}&lon=${CENTRE[1] + 0.001}&zoom=18`);
    await list.getByRole("link", { name: "Caméra de surveillance (dôme)" }).waitFor();
    await tilesShown(page);
    const zooms = await page.$$eval("img.leaflet-tile", (imgs) => imgs.map((i) => (i as HTMLImageElement).src.split("/")[4]));
    expect(new Set(zooms)).toEqual(new Set(["18"]));
    expect(upstream.hits.size).toBeGreaterThan(0);
    await page.context().close();
  });

  it("reports a camera with the form (coordinates from the map's centre) and opens its page", async () => {
    const page = await loggedIn(PHONE_390);
    await page.goto(`${t.config.origin}/map`);
    await page.getByRole("link", { name: "Signaler une caméra ou un problème" }).click();
    await page.waitForURL((url) => url.pathname === "/map/new");
    await page.getByRole("heading", { name: "Signaler une observation" }).waitFor();
    await page.getByLabel("Caméra de surveillance").check();
    // keyboard users: typed coordinates
    await page.getByLabel("Latitude").fill("45.18861");
    await page.getByLabel("Longitude").fill("5.72391");
    await page.getByText("Position : 45.18861, 5.72391").waitFor();
    await page.getByLabel("Type de caméra").selectOption("dome");
    await page.getByLabel("Direction").fill("135");
    await page.getByLabel("Support", { exact: true }).selectOption("pole");
    await page.getByLabel("Exploitant", { exact: true }).fill("Métropole");
    await page.getByLabel("Type d’exploitant").selectOption("state");
    await page.getByLabel("Panneau d’information").selectOption("yes");
    await page.getByLabel("Responsable indiqué sur le panneau").fill("Préfecture de l’Isère");
    await page.getByLabel("Description").fill("Sur le mât au-dessus du passage piéton");
    await tilesShown(page);
    expect(await fitsWidth(page)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "map-observation-form-phone");
    await page.getByRole("button", { name: "Envoyer l’observation" }).click();

    await page.waitForURL((url) => /^\/observations\/\d+$/.test(url.pathname));
    await page.getByRole("heading", { name: "Caméra de surveillance (dôme)", level: 1 }).waitFor();
    const facts = page.getByRole("region", { name: "Informations" });
    await facts.getByText("Préfecture de l’Isère").waitFor();
    await facts.getByText("135°").waitFor();
    await facts.getByText("Mât").waitFor();
    const id = new URL(page.url()).pathname.split("/")[2];
    const stored = await t.http.get(`/api/parvis/observations/${id}`);
    expect(stored.body).toMatchObject({
      kind: "camera",
      latitude: 45.18861,
      longitude: 5.72391,
      tags: {
        "camera:type": "dome",
        "camera:direction": "135",
        "camera:mount": "pole",
        operator: "Métropole",
        "operator:type": "state",
        "surveillance:signage": "yes",
        "surveillance:signage:controller": "Préfecture de l’Isère",
      },
      state: "present",
    });
    expect(await fitsWidth(page)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "map-observation-detail-phone");
    await page.context().close();
  });

  it("confirms an observation, reports it gone, and its author rejects the report", async () => {
    const alice = await loggedIn(PHONE_390);
    await alice.goto(`${t.config.origin}/observations/${bobsCamera}`);
    await alice.getByRole("heading", { name: "Caméra de surveillance (dôme)", level: 1 }).waitFor();
    await alice.getByRole("button", { name: "Toujours là" }).click();
    const history = alice.getByRole("region", { name: "Historique" });
    await history.getByText("Confirmée par").waitFor();
    await alice.getByLabel("Précision sur la disparition (facultatif)").fill("Le mât a été retiré");
    await alice.getByRole("button", { name: "Signaler disparue" }).click();
    await alice.getByRole("region", { name: "Informations" }).getByText("Disparition signalée").waitFor();
    await alice.getByText("l’auteur ou un modérateur du groupe va la vérifier").waitFor();
    expect(await alice.getByRole("button", { name: "Rejeter le signalement" }).count()).toBe(0);
    expect(await seriousViolations(alice)).toEqual([]);
    await screenshot(alice, "map-observation-gone-proposed-phone");
    await alice.context().close();

    const author = await loggedIn(PHONE_390, "bob");
    await author.goto(`${t.config.origin}/observations/${bobsCamera}`);
    await author.getByRole("button", { name: "Rejeter le signalement" }).click();
    await author.getByRole("region", { name: "Informations" }).getByText("Présente", { exact: true }).waitFor();
    await author.getByRole("region", { name: "Historique" }).getByText("Disparition rejetée par").waitFor();
    // the author corrects a field
    await author.getByRole("button", { name: "Modifier" }).click();
    await author.getByLabel("Exploitant", { exact: true }).fill("Ville de Grenoble");
    await author.getByRole("button", { name: "Enregistrer" }).click();
    await author.getByRole("region", { name: "Informations" }).getByText("Ville de Grenoble").waitFor();
    expect((await t.http.get(`/api/parvis/observations/${bobsCamera}`)).body.tags.operator).toBe("Ville de Grenoble");
    expect(await seriousViolations(author)).toEqual([]);
    await screenshot(author, "map-observation-author-phone");
    await author.context().close();
  });

  it("attaches a place to a post from the composer", async () => {
    const page = await loggedIn(PHONE_390);
    await page.goto(`${t.config.origin}/home`);
    await page.getByLabel("Que voulez-vous partager ?").fill("Nid-de-poule devant l’école");
    await page.getByRole("button", { name: "Ajouter un lieu" }).click();
    await page.getByRole("group", { name: "Lieu du message" }).waitFor();
    await tilesShown(page);
    // the pin at the map's centre (the commune's centre set by the admin)
    await page.getByRole("button", { name: "Utiliser le centre de la carte" }).click();
    await page.getByText(`Position : ${CENTRE[0].toFixed(5)}, ${CENTRE[1].toFixed(5)}`).waitFor();
    await page.getByLabel("Nom du lieu (facultatif)").fill("École Jean-Jaurès");
    expect(await fitsWidth(page)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "map-composer-place-phone");
    await page.getByRole("button", { name: "Publier" }).click();
    // the status card's place (client/src/components/StatusPlace.tsx) leads to the map centred on it
    const placeLink = page.getByRole("link", { name: "École Jean-Jaurès, voir sur la carte" });
    // with posts already in the timeline, the new one waits behind "Afficher 1 nouveau message"
    const newer = page.getByRole("button", { name: /nouveau message/ });
    await placeLink.or(newer).first().waitFor();
    if (await newer.isVisible()) await newer.click();
    await placeLink.waitFor();
    expect(await placeLink.getAttribute("href")).toBe(`/map?lat=${CENTRE[0]}&lon=${CENTRE[1]}&zoom=17`);
    const statuses = await page.evaluate(async () => (await fetch("/api/v1/timelines/home", { credentials: "same-origin" })).json());
    expect(statuses[0].parvis_place).toEqual({ latitude: CENTRE[0], longitude: CENTRE[1], name: "École Jean-Jaurès" });
    await page.context().close();
  });

  it("is in the desktop navigation, with the map beside its list", async () => {
    const page = await loggedIn(DESKTOP);
    await page.getByRole("navigation", { name: "Navigation principale" }).getByRole("link", { name: "Carte" }).click();
    await page.waitForURL((url) => url.pathname === "/map");
    await page.getByRole("region", { name: "Dans cette zone" }).getByRole("link", { name: "Caméra de surveillance (dôme)" }).first().waitFor();
    await tilesShown(page);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "map-desktop");
    await page.context().close();
    expect(thirdParty).toEqual([]);
  });

  it("without a tile server: the admin sets the commune's centre, visitors see a plain map and a note", async () => {
    const bare = await startWebInstance();
    try {
      await createResident(bare, "admin", { role: "admin" });
      const context = await newContext(browser, PHONE_390);
      const page = await context.newPage();
      thirdParty.push(...recordThirdPartyRequests(page, bare.config.origin));
      const tileRequests: string[] = [];
      page.on("request", (req) => {
        if (new URL(req.url()).pathname.startsWith("/tiles/")) tileRequests.push(req.url());
      });
      await page.goto(`${bare.config.origin}/login`);
      await page.getByLabel("Nom d’utilisateur ou adresse e-mail").fill("admin");
      await page.getByLabel("Mot de passe").fill("correct horse battery");
      await page.getByRole("button", { name: "Se connecter" }).click();
      await page.waitForURL((url) => !url.pathname.startsWith("/login"));
      await page.goto(`${bare.config.origin}/admin/instance`);
      const form = page.getByRole("form", { name: "Carte" });
      await form.getByLabel("Latitude").fill("48.11198");
      await form.getByLabel("Longitude").fill("-1.68");
      await form.getByLabel("Niveau de zoom").fill("15");
      await form.getByRole("button", { name: "Enregistrer" }).click();
      await expect.poll(async () => (await bare.http.get("/api/parvis/map/config")).body).toMatchObject({ tiles: false, center: [48.11198, -1.68], zoom: 15 });
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, "map-admin-centre-phone");
      await context.close();

      // a visitor
      const visitor = await (await newContext(browser, PHONE_390)).newPage();
      thirdParty.push(...recordThirdPartyRequests(visitor, bare.config.origin));
      visitor.on("request", (req) => {
        if (new URL(req.url()).pathname.startsWith("/tiles/")) tileRequests.push(req.url());
      });
      await visitor.goto(`${bare.config.origin}/map`);
      await visitor.getByRole("note").getByText(/Aucun fond de carte n’est configuré/).waitFor();
      await visitor.getByText("Rien dans cette zone avec ces filtres").waitFor();
      await visitor.waitForURL((url) => url.searchParams.get("lat") === "48.11198" && url.searchParams.get("zoom") === "15");
      expect(await visitor.locator("img.leaflet-tile").count()).toBe(0);
      expect(tileRequests).toEqual([]);
      expect(await visitor.getByRole("link", { name: "Signaler une caméra ou un problème" }).count()).toBe(0);
      expect(await fitsWidth(visitor)).toBe(true);
      expect(await seriousViolations(visitor)).toEqual([]);
      await screenshot(visitor, "map-no-tiles-visitor-phone");
      await visitor.context().close();
      expect(thirdParty).toEqual([]);
    } finally {
      await bare.stop();
    }
  });
});
