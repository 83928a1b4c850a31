// Open data in a real browser at 390 px: the mayor sets the licence and imports
// the OpenStreetMap fixture from the admin screen, reads the report, imports it
// again (nothing duplicated); the GeoJSON link serves the imported cameras
// under the new licence. axe-clean, no request leaves the instance.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { TestInstance } from "../helpers/instance";
import { createResident } from "../helpers/factories";
import { countRows } from "../helpers/api";
import { launchBrowser, newContext, recordThirdPartyRequests, screenshot, seriousViolations, startWebInstance } from "./support";

const PHONE_390 = { width: 390, height: 844 };
const OSM = join(process.cwd(), "test", "fixtures", "osm", "grenoble-surveillance.osm");

let t: TestInstance;
let browser: Browser;
const thirdParty: string[] = [];

beforeAll(async () => {
  t = await startWebInstance();
  browser = await launchBrowser();
  await createResident(t, "maire", { role: "admin" });
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function mayorPage(): Promise<Page> {
  const page = await (await newContext(browser, PHONE_390, "fr-FR")).newPage();
  thirdParty.push(...recordThirdPartyRequests(page, t.url));
  await page.goto(`${t.url}/login`);
  await page.getByLabel("Nom d’utilisateur ou adresse e-mail").fill("maire");
  await page.getByLabel("Mot de passe", { exact: true }).fill("correct horse battery");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  await page.goto(`${t.url}/settings`);
  await page.getByRole("link", { name: "Charte, règles et confidentialité (administration)" }).click();
  await page.getByRole("heading", { name: "Données ouvertes", level: 2 }).waitFor();
  return page;
}

describe("open data from the admin screen", () => {
  it("the mayor sets the licence, imports an OSM extract twice, and the GeoJSON follows", async () => {
    const page = await mayorPage();
    const licence = page.getByLabel("Licence", { exact: true });
    expect(await licence.inputValue()).toBe("ODbL-1.0");
    await licence.fill("etalab-2.0");
    await page.getByLabel("Attribution", { exact: true }).fill("Ville de Saint-Parvis et ses habitant·es");
    await page.getByRole("button", { name: "Publier sous cette licence" }).click();
    await page.getByText("Enregistré.").first().waitFor({ state: "attached" });

    await page.getByLabel("Fichier (.osm ou .geojson)").setInputFiles(OSM);
    await page.getByRole("button", { name: "Importer", exact: true }).click();
    await page.locator("#main").getByText("Import terminé : 5 créées, 0 mises à jour, 0 inchangées, 1 ignorées.", { exact: true }).waitFor();
    await page.getByText("way/1123400567").waitFor();
    expect(await countRows(t, "observations")).toBe(5);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "admin-open-data-phone");

    await page.getByRole("button", { name: "Importer", exact: true }).click();
    await page.locator("#main").getByText("Import terminé : 0 créées, 0 mises à jour, 5 inchangées, 1 ignorées.", { exact: true }).waitFor();
    expect(await countRows(t, "observations")).toBe(5);

    const geojson = await page.request.get(`${t.url}/api/parvis/observations.geojson`);
    const body = await geojson.json();
    expect(body.license).toBe("etalab-2.0");
    expect(body.attribution).toBe("Ville de Saint-Parvis et ses habitant·es");
    expect(body.features).toHaveLength(5);
    expect(thirdParty).toEqual([]);
  });

  it("a malformed file shows the error and stores nothing", async () => {
    const page = await mayorPage();
    await page.getByLabel("Fichier (.osm ou .geojson)").setInputFiles({ name: "broken.osm", mimeType: "application/xml", buffer: Buffer.from("<osm><node id='1'") });
    await page.getByRole("button", { name: "Importer", exact: true }).click();
    await page.getByText(/Malformed OpenStreetMap extract/).waitFor();
    expect(await countRows(t, "observations")).toBe(5);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
