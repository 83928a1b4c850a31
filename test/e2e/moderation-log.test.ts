// The public moderation log, the charter and rules screen and the privacy page in
// a real browser at 390 px: the mayor edits the charter and a rule from the web
// client, a visitor without an account reads the log (filters, verification) and
// the privacy page, and sees a tampered log flagged at the broken entry.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { TestInstance } from "../helpers/instance";
import { createResident, type Resident } from "../helpers/factories";
import { countRows } from "../helpers/api";
import { DESKTOP, launchBrowser, newContext, recordThirdPartyRequests, screenshot, seriousViolations, startWebInstance } from "./support";

const PHONE_390 = { width: 390, height: 844 };

let t: TestInstance;
let browser: Browser;
let mayor: Resident;
const thirdParty: string[] = [];

beforeAll(async () => {
  t = await startWebInstance();
  browser = await launchBrowser();
  mayor = await createResident(t, "maire", { role: "admin" });
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function visitor(viewport = PHONE_390, locale = "fr-FR"): Promise<Page> {
  const page = await (await newContext(browser, viewport, locale)).newPage();
  thirdParty.push(...recordThirdPartyRequests(page, t.url));
  return page;
}

describe("moderation in the open, in the browser", () => {
  it("the mayor writes the charter and a rule from the admin screen", async () => {
    const page = await visitor();
    await page.goto(`${t.url}/login`);
    await page.getByLabel("Nom d’utilisateur ou adresse e-mail").fill("maire");
    await page.getByLabel("Mot de passe", { exact: true }).fill("correct horse battery");
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
    await page.goto(`${t.url}/settings`);
    await page.getByRole("link", { name: "Charte, règles et confidentialité (administration)" }).click();
    await page.getByRole("heading", { name: "Charte, règles et confidentialité", level: 1 }).waitFor();
    await page.getByLabel("Texte de la charte").fill("Parvis est l’espace d’échange des habitant·es de Saint-Parvis.\n\nOn s’y parle avec respect.");
    await page.getByRole("button", { name: "Enregistrer" }).first().click();
    await page.getByLabel("Règle", { exact: true }).fill("Pas d’insultes ni de harcèlement");
    await page.getByRole("button", { name: "Ajouter la règle" }).click();
    await page.getByText("Pas d’insultes ni de harcèlement", { exact: true }).waitFor();
    await page.getByLabel("Responsable du traitement des données").fill("Mairie de Saint-Parvis, 1 place de la République");
    // the privacy form's own button (the admin screen has other forms below it: groups, map, open data)
    await page.locator("form", { has: page.getByLabel("Responsable du traitement des données") }).getByRole("button", { name: "Enregistrer" }).click();
    await page.getByText("Enregistré.").first().waitFor({ state: "attached" });
    // the new charter and the new rule, each an entry of the public log
    expect(await countRows(t, "moderation_log")).toBe(2);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "admin-instance-phone");
  });

  it("a visitor without an account reads the log from the about page, filters it and sees it verified", async () => {
    const [rule] = (await t.http.get("/api/v1/instance/rules")).body as { id: string }[];
    const block = await t.http
      .post("/api/parvis/admin/domains")
      .set("Authorization", mayor.auth)
      .send({ domain: "spam.example", policy: "block", public_reason: "Envoi massif de messages publicitaires", rule_ids: [rule.id] });
    expect(block.status).toBe(200);

    const page = await visitor();
    await page.goto(`${t.url}/about`);
    await page.getByRole("link", { name: "Journal de modération" }).first().click();
    await page.getByRole("heading", { name: "Journal de modération", level: 1 }).waitFor();
    const blocked = page.getByRole("article", { name: /N° 3 Instance bloquée/ });
    await blocked.getByText("spam.example").waitFor();
    await blocked.getByText("Envoi massif de messages publicitaires").waitFor();
    await blocked.getByText("L’administration").waitFor();
    expect(await blocked.getByRole("link", { name: "Pas d’insultes ni de harcèlement" }).getAttribute("href")).toBe(`/about#rule-${rule.id}`);
    await page.getByText("Intégrité vérifiée : 3 entrées, chaîne intacte, signée par l’instance.").waitFor();
    // the mayor's name is nowhere on the page
    expect(await page.getByText("maire").count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "moderation-log-phone");

    await page.getByLabel("Action").selectOption("rule_added");
    await page.getByRole("article", { name: /N° 2 Règle ajoutée/ }).waitFor();
    await expect(page.getByRole("article").count()).resolves.toBe(1);

    const wide = await visitor(DESKTOP);
    await wide.goto(`${t.url}/moderation_log`);
    await wide.getByRole("article", { name: /N° 3 Instance bloquée/ }).waitFor();
    await screenshot(wide, "moderation-log-desktop");
  });

  it("a row changed in the database shows as a broken chain at that entry", async () => {
    await t.services.db.execute(sql`update moderation_log set public_reason = 'Rien à signaler' where seq = 3`);
    const page = await visitor();
    await page.goto(`${t.url}/moderation_log`);
    await page.getByText("Attention : le journal ne se vérifie plus à partir de l’entrée n° 3. Il a pu être modifié.").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "moderation-log-broken-phone");
  });

  it("the privacy page, from the footer, in French and in English", async () => {
    const page = await visitor();
    await page.goto(`${t.url}/about`);
    await page.getByRole("contentinfo").getByRole("link", { name: "Confidentialité" }).click();
    await page.getByRole("heading", { name: "Confidentialité", level: 1 }).waitFor();
    await page.getByRole("heading", { name: "Responsable du traitement" }).waitFor();
    await page.getByText(/Mairie de Saint-Parvis, 1 place de la République est responsable/).waitFor();
    await page.getByText(/vous disposez de 30 jours pour l’annuler/).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "privacy-phone");

    const en = await visitor(PHONE_390, "en-GB");
    await en.goto(`${t.url}/privacy`);
    await en.getByRole("heading", { name: "Data controller" }).waitFor();
    expect(await seriousViolations(en)).toEqual([]);
  });

  it("registration shows the charter and the privacy page before the resident accepts", async () => {
    const page = await visitor();
    await page.goto(`${t.url}/register`);
    await page.getByText("Pas d’insultes ni de harcèlement").waitFor();
    await page.getByText("Lire la charte").click();
    await page.getByText("On s’y parle avec respect.").waitFor();
    await page.getByRole("link", { name: "Comment nous traitons vos données" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "register-charter-phone");
  });

  it("no request left the instance", () => {
    expect(thirdParty).toEqual([]);
  });
});
