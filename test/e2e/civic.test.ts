// The civic features in a real browser (French UI, phone width): the mayor
// publishes an announcement from the admin screen, a resident reads it on the
// home screen, reacts and marks it read; a poll is composed, voted on and its
// results shown; a post is scheduled; the Explorer screen shows trends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { TestInstance } from "../helpers/instance";
import { createResident } from "../helpers/factories";
import { countRows } from "../helpers/api";
import { PHONE, launchBrowser, newContext, recordThirdPartyRequests, screenshot, seriousViolations, startWebInstance } from "./support";

let t: TestInstance;
let browser: Browser;
const thirdParty: string[] = [];

beforeAll(async () => {
  t = await startWebInstance();
  browser = await launchBrowser();
  await createResident(t, "maire", { role: "admin" });
  await createResident(t, "alice");
  await createResident(t, "bob");
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function loggedIn(username: string, viewport = PHONE): Promise<Page> {
  const context = await newContext(browser, viewport);
  const page = await context.newPage();
  thirdParty.push(...recordThirdPartyRequests(page, t.url));
  await page.goto(`${t.url}/login`);
  await page.getByLabel("Nom d’utilisateur ou adresse e-mail").fill(username);
  await page.getByLabel("Mot de passe", { exact: true }).fill("correct horse battery");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  return page;
}

describe("civic features in the browser", () => {
  let mayor: Page;
  let alice: Page;
  let bob: Page;

  it("the mayor publishes an announcement from the Annonces admin screen", async () => {
    mayor = await loggedIn("maire");
    await mayor.goto(`${t.url}/settings`);
    await mayor.getByRole("link", { name: "Annonces de la commune (administration)" }).click();
    await mayor.getByRole("heading", { name: "Annonces", level: 1 }).waitFor();
    await mayor.getByLabel("Texte de l’annonce").fill("Coupure d’eau rue des Lilas mardi de 8 h à 12 h.");
    await mayor.getByRole("button", { name: "Publier l’annonce" }).click();
    await mayor.getByText("Affichée").first().waitFor();
    expect(await countRows(t, "announcements")).toBe(1);
    expect(await seriousViolations(mayor)).toEqual([]);
    await screenshot(mayor, "civic-admin-announcements-phone");
  });

  it("a resident cannot open the admin screen", async () => {
    alice = await loggedIn("alice");
    await alice.goto(`${t.url}/admin/announcements`);
    await alice.getByText("Cet écran est réservé aux administrateurs.").waitFor();
    await expect(alice.getByLabel("Texte de l’annonce").count()).resolves.toBe(0);
  });

  it("a resident sees the announcement on the home screen, reacts and marks it read", async () => {
    await alice.goto(`${t.url}/home`);
    const panel = alice.getByRole("region", { name: /Annonces de la commune/ });
    await panel.getByText("Coupure d’eau rue des Lilas").waitFor();
    expect(await seriousViolations(alice)).toEqual([]);
    await screenshot(alice, "civic-announcement-home-phone");
    await panel.getByRole("button", { name: /Réagir 👍/ }).click();
    await panel.getByRole("button", { name: /Retirer votre réaction 👍 \(1\)/ }).waitFor();
    await panel.getByRole("button", { name: "Marquer comme lue" }).click();
    await panel.getByRole("button", { name: "Voir les annonces" }).waitFor();
    expect([await countRows(t, "announcement_reactions"), await countRows(t, "announcement_reads")]).toEqual([1, 1]);
  });

  it("a resident composes a poll", async () => {
    await alice.goto(`${t.url}/home`);
    await alice.getByLabel("Que voulez-vous partager ?").fill("Quel jour pour la fête des voisins ?");
    await alice.getByRole("button", { name: "Sondage" }).click();
    await alice.getByLabel("Choix 1").fill("Vendredi");
    await alice.getByLabel("Choix 2").fill("Samedi");
    await alice.getByRole("button", { name: "Ajouter un choix" }).click();
    await alice.getByLabel("Choix 3").fill("Dimanche");
    await alice.getByLabel("Durée").selectOption({ label: "1 jour" });
    expect(await seriousViolations(alice)).toEqual([]);
    await screenshot(alice, "civic-poll-composer-phone");
    await alice.getByRole("button", { name: "Publier" }).click();
    await alice.getByText("Message publié.").first().waitFor();
    expect(await countRows(t, "polls")).toBe(1);
  });

  it("a neighbour votes and sees the results", async () => {
    bob = await loggedIn("bob");
    await bob.goto(`${t.url}/@alice`);
    const article = bob.getByRole("article").filter({ hasText: "fête des voisins" }).first();
    await article.getByRole("radio", { name: "Samedi" }).check();
    await article.getByRole("button", { name: "Voter" }).click();
    await article.getByText("(votre choix)").waitFor();
    await article.getByText("1 vote").waitFor();
    expect(await countRows(t, "poll_votes")).toBe(1);
    expect(await seriousViolations(bob)).toEqual([]);
    await screenshot(bob, "civic-poll-results-phone");
  });

  it("a resident schedules a post and finds it in the list", async () => {
    await alice.goto(`${t.url}/home`);
    await alice.getByLabel("Que voulez-vous partager ?").fill("Rappel : réunion du conseil de quartier demain.");
    await alice.getByRole("button", { name: "Programmer", exact: true }).click();
    const at = new Date(Date.now() + 2 * 3600_000);
    const pad = (n: number) => String(n).padStart(2, "0");
    await alice.getByLabel("Publier le").fill(`${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`);
    await alice.locator("form.composer").getByRole("button", { name: "Programmer" }).last().click();
    await alice.getByText("Publication programmée").first().waitFor();
    expect(await countRows(t, "scheduled_statuses")).toBe(1);
    await alice.goto(`${t.url}/scheduled_statuses`);
    await alice.getByText("Rappel : réunion du conseil de quartier demain.").waitFor();
    expect(await seriousViolations(alice)).toEqual([]);
    await screenshot(alice, "civic-scheduled-phone");
  });

  it("the Explorer screen shows what is trending in the commune", async () => {
    await bob.goto(`${t.url}/home`);
    await bob.getByLabel("Que voulez-vous partager ?").fill("Belle ambiance au #marché ce matin");
    await bob.getByRole("button", { name: "Publier" }).click();
    await bob.getByText("Message publié.").first().waitFor();
    await bob.goto(`${t.url}/explore`);
    await bob.getByRole("heading", { name: "Explorer", level: 1 }).waitFor();
    await bob.getByRole("link", { name: "#marché" }).waitFor();
    expect(await seriousViolations(bob)).toEqual([]);
    await screenshot(bob, "civic-explore-phone");
  });

  it("no request left the instance's origin", () => {
    expect(thirdParty).toEqual([]);
  });
});
